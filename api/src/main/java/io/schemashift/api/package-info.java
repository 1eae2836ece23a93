/**
 * What the driver, backfill and the command line share, and nothing else: the two {@link
 * io.schemashift.api.Side sides}, a {@link io.schemashift.api.ConnectionSource connection source},
 * how reports show {@link io.schemashift.api.ReportValues values}, which new columns take a value
 * of the old type only through a {@link io.schemashift.api.AssignmentCasts cast}. The SQLStates
 * SchemaShift raises are in {@code io.schemashift.error}. The published driver jar carries these
 * classes; backfill and the CLI depend on this jar alone, not on the driver.
 */
package io.schemashift.api;
