/**
 * The config file as typed records, loaded and validated once ({@link io.linewatch.config.ConfigLoader}):
 * a bad key is one line naming the file and the field. Its sections mirror the stages. Imports nothing
 * else of linewatch.
 */
package io.linewatch.config;
