import { describe, expect, it } from 'vitest';
import { isClosedSocketWrite } from '../../workers/lost-connection.ts';

// The exception as postgres.js 3.4 throws it (seen in the chaos test when Postgres went down).
function driverError(message: string, frame: string): TypeError {
  const err = new TypeError(message);
  err.stack = `TypeError: ${message}\n    at Immediate.${frame}\n    at process.processImmediate (node:internal/timers:483:21)`;
  return err;
}

describe('isClosedSocketWrite', () => {
  it('recognises postgres.js writing to a socket it has closed', () => {
    expect(isClosedSocketWrite(driverError("Cannot read properties of null (reading 'write')", 'nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)'))).toBe(true);
  });

  it('lets every other exception end the process', () => {
    // the same message from other code, another driver function, another error class
    expect(isClosedSocketWrite(driverError("Cannot read properties of null (reading 'write')", 'flush (file:///app/server/stream.js:10:3)'))).toBe(false);
    expect(isClosedSocketWrite(driverError("Cannot read properties of null (reading 'end')", 'nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)'))).toBe(false);
    const notType = new Error("Cannot read properties of null (reading 'write')");
    notType.stack = `Error: x\n    at nextWrite (file:///app/node_modules/postgres/src/connection.js:255:22)`;
    expect(isClosedSocketWrite(notType)).toBe(false);
    expect(isClosedSocketWrite('nextWrite')).toBe(false);
  });
});
