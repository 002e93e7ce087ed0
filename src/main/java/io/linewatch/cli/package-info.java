/**
 * The command line ({@code run}, {@code replay}, {@code demo}, {@code check-config}, {@code status},
 * {@code reload}, {@code bench}, {@code build-engine}): each command starts what it needs (a pipeline,
 * the HTTP endpoint, a broker for the demo) and stops it in order. The top of the layering.
 */
package io.linewatch.cli;
