package io.sluice.core.event;

/** A text block opens. */
public record TextStart(int choice, int index) implements BlockEvent {}
