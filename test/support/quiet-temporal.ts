import { DefaultLogger, Runtime } from '@temporalio/worker';

// Worker state changes at INFO drown the test report; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // already installed in this process
}
