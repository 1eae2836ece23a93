/**
 * Internals shared by backfill and verify: table shapes from metadata, generated SQL, pacing.
 * Not an API: anything here may change without notice.
 */
package io.schemashift.backfill.internal;
