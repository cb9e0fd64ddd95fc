import { connect } from 'node:net';

/** Sends bytes exactly as given (no client-side validation) and returns the raw response text, read until the server closes. */
export function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')));
  });
}

/** Like rawExchange, split into status, lower-cased head and body. */
export async function rawRequest(port: number, request: string): Promise<{ status: number; headers: string; body: string }> {
  const data = await rawExchange(port, request);
  const split = data.indexOf('\r\n\r\n');
  const head = data.slice(0, split);
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: data.slice(split + 4) };
}
