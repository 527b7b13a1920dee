// Loopback port helpers for the scripts, the test suite and the benchmarks (Node built-ins only).
import net from 'node:net';

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** True when a TCP connection to 127.0.0.1:port succeeds. */
export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Waits up to 30 s until 127.0.0.1:port accepts connections; throws when `child` (optional)
 * exits first or time runs out, naming it with `what` (a string, or a function for late logs).
 */
export async function waitTcp(port, child, what) {
  const name = () => (typeof what === 'function' ? what() : what);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null)
      throw new Error(`${name()} exited with ${child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name()} did not listen on ${port}`);
}
