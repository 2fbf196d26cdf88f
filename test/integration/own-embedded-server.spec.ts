import net from 'node:net';
import { connectToOwnEmbeddedServer } from '../../src/infrastructure/postgres/own-embedded-server.js';

const PASSWORD = 'the-embedded-superuser-password';

/**
 * A listener speaking just enough of PostgreSQL's protocol to ask for the password the way it is
 * told (3: in clear, 5: as MD5 with a salt), recording every byte it receives.
 */
async function passwordPhisher(
  method: 'cleartext' | 'md5',
): Promise<{ port: number; received: () => Buffer; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let asked = false;
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (asked) return;
      asked = true;
      const request =
        method === 'cleartext'
          ? Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])
          : Buffer.from([0x52, 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4]);
      socket.write(request);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    received: () => Buffer.concat(chunks),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('connecting to the embedded PostgreSQL', () => {
  it.each(['cleartext', 'md5'] as const)(
    'gives a server asking for the password as %s nothing and refuses it',
    async (method) => {
      const phisher = await passwordPhisher(method);
      try {
        await expect(
          connectToOwnEmbeddedServer('/nonexistent/postgres', phisher.port, PASSWORD),
        ).rejects.toThrow(
          new RegExp(
            `^Something else answers on 127\\.0\\.0\\.1:${phisher.port} \\(EMBEDDED_PG_PORT\\).*` +
              'asked for the password in a form that would reveal it',
          ),
        );
        // Only the start-up message reached it: neither the password nor a hash of it.
        const received = phisher.received();
        expect(received.includes(Buffer.from(PASSWORD))).toBe(false);
        expect(received.includes(Buffer.from('md5'))).toBe(false);
        expect(received.readUInt32BE(0)).toBe(received.length);
      } finally {
        await phisher.close();
      }
    },
  );

  it('answers null when nothing listens on the port', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise((resolve) => probe.close(resolve));
    await expect(connectToOwnEmbeddedServer('/nonexistent/postgres', port, PASSWORD)).resolves.toBe(
      null,
    );
  });
});
