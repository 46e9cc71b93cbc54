/**
 * Preloaded (`node -r`) into the API and worker that `npm start` runs: when the launcher is gone
 * (killed, crashed), they stop too, instead of polling and mailing on with nobody watching.
 * The launcher's IPC channel closes when it dies; SIGTERM is their ordinary graceful stop.
 */
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
