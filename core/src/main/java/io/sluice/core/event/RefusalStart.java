package io.sluice.core.event;

/** A refusal block opens. */
public record RefusalStart(int choice, int index) implements BlockEvent {}
