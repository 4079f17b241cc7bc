/**
 * The durable SQLite store: the offline queue and the inflight records of every connection, in one file.
 *
 * <p><b>Words.</b> A <i>row</i> ({@link io.robmqtt.store.MessageRow}) is one SQL row holding up to 128 messages of
 * one connection and one priority, written together; its body is encoded by {@link io.robmqtt.store.RowCodec}
 * and its SQL is in {@link io.robmqtt.store.RowTable}. A <i>batch</i> is the work run together and committed in
 * one transaction (group commit). A message is <i>queued</i> until it is handed to the broker, then
 * <i>inflight</i> until the broker acknowledges it, then <i>gone</i>.
 *
 * <p><b>Enqueue</b> ({@code publishAsync} in the client):
 * <ol>
 *   <li>{@link io.robmqtt.store.SqliteOfflineQueue#enqueueAsync} checks the payload against the limits and hands
 *       the work to {@link io.robmqtt.store.SqliteStore}, bound to the connection.
 *   <li>{@code SqliteStore} gives it to the open {@link io.robmqtt.store.Database} as
 *       {@link io.robmqtt.store.Submission#SUBMIT}, together with that file's memory of the connection's messages
 *       ({@link io.robmqtt.store.RowCache} → {@link io.robmqtt.store.ConnectionMessages}).
 *   <li>{@code Database} queues it; {@link io.robmqtt.store.CommitPolicy} says how long it may wait for company;
 *       then the database thread (or a caller that finds it idle) runs the batch in the open
 *       {@link io.robmqtt.store.SqliteTransaction}.
 *   <li>The work asks {@link io.robmqtt.store.PriorityEvictionPolicy} for victims when the queue is full, then
 *       {@link io.robmqtt.store.ConnectionMessages#enqueue} appends the message to the open row of its priority
 *       and marks the row changed in {@link io.robmqtt.store.RowChanges}.
 *   <li>At the end of the batch {@code RowChanges} writes what changed: new rows are inserted, changed ones
 *       updated in place (two fixed-size fields), emptied ones deleted.
 *   <li>When {@code CommitPolicy} says so the transaction commits, and the future completes: the message is
 *       durable.
 * </ol>
 *
 * <p><b>Drain</b> (the client's drain, after a connect):
 * <ol>
 *   <li>{@link io.robmqtt.store.SqliteOfflineQueue#moveToInflight} runs as
 *       {@link io.robmqtt.store.Submission#CALL_BEFORE_COMMIT}: the caller leads the batch itself.
 *   <li>{@link io.robmqtt.store.ConnectionMessages#take} walks the queued rows, highest priority first and oldest
 *       first, reads their bodies, and marks the messages it returns inflight
 *       ({@link io.robmqtt.store.MessageRow#markInflight}). Only a window at the head of each priority's queue is
 *       in memory ({@link io.robmqtt.store.ConnectionRows}); at its end the next page of rows is read by the
 *       index on connection, priority and id.
 *   <li>It returns before the commit (losing the move in a crash only sends the messages once more), unless it
 *       read rows whose durable work is not committed yet: then the commit is made first.
 * </ol>
 *
 * <p><b>Acknowledgement</b>:
 * <ol>
 *   <li>{@link io.robmqtt.store.SqliteInflightStore#removeAsync} runs as
 *       {@link io.robmqtt.store.Submission#SUBMIT_RELAXED}.
 *   <li>{@link io.robmqtt.store.ConnectionMessages#acknowledge} marks the messages gone in their rows' bitmaps; a
 *       row with nothing left is deleted at the end of the batch, and the last sequence given is recorded.
 * </ol>
 *
 * <p><b>Opening</b>: {@link io.robmqtt.store.DatabaseFile} opens and checks the file (moving a corrupt one aside),
 * {@link io.robmqtt.store.Schema} creates the tables and {@link io.robmqtt.store.LayoutUpgrade} converts older
 * layouts; when {@code db.path} changed, {@link io.robmqtt.store.DatabaseMove} moves the messages of the previous
 * file in; then the {@code Database} starts its thread.
 */
package io.robmqtt.store;
