/** The streaming client on the JDK HttpClient. */
package io.sluice.client;
