/** The streaming gateway. */
package io.sluice.gateway;
