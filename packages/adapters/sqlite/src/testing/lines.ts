import { writeSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes one line to stdout SYNCHRONOUSLY: it returns only once every byte is in the kernel's pipe
 * buffer, so a SIGKILL right after cannot lose it (the parent reads it before it sees the end of the
 * pipe). `process.stdout.write` queues in the process when the pipe is full (a busy parent), and a
 * kill loses that queue: a line the parent must know of (`start`, `ack`) would silently be missing.
 * A full pipe (EAGAIN on the non-blocking descriptor) is waited out, 1 ms at a time.
 */
export const writeLine = (text: string): void => {
  const bytes = Buffer.from(`${text}\n`);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
};
