// A TCP proxy that delays every chunk, each way, by a random 30-80 ms (as a slow link
// between two schools would; this kernel has no netem). Chunks keep their order: each
// leaves at the later of its own delay and the previous chunk's departure.
//
//   node tests/network/delay.mjs LISTEN_HOST:PORT TARGET_HOST:PORT [MIN_MS MAX_MS]
//
// Run inside a network namespace (ip netns exec), it listens on that school's side and
// dials the other school over the link. It prints one line, {"delaying": "HOST:PORT"},
// once it listens, and stops on SIGTERM.
import net from "node:net";

const [listen, target, min = "30", max = "80"] = process.argv.slice(2);
const split = (a) => {
  const at = a.lastIndexOf(":");
  return [a.slice(0, at), Number(a.slice(at + 1))];
};
const [host, port] = split(listen);
const [toHost, toPort] = split(target);
const lo = Number(min);
const hi = Number(max);

/** Writes what `from` sends to `to`, each chunk late, in order (one queue, one timer: two
 * timers could fire out of order); an end or an error ends both. */
function pipeLate(from, to) {
  const queue = []; // [time to leave, chunk or null for the end]
  let timer = null;
  const leave = () => {
    timer = null;
    while (queue.length && queue[0][0] <= Date.now()) {
      const [, chunk] = queue.shift();
      if (chunk === null) to.end();
      else if (to.writable) to.write(chunk);
    }
    if (queue.length) timer = setTimeout(leave, queue[0][0] - Date.now());
  };
  const later = (chunk) => {
    const last = queue.length ? queue.at(-1)[0] : 0;
    queue.push([Math.max(last, Date.now() + lo + Math.random() * (hi - lo)), chunk]);
    if (!timer) timer = setTimeout(leave, queue[0][0] - Date.now());
  };
  from.on("data", later);
  from.on("end", () => later(null));
  from.on("error", () => to.destroy());
  from.on("close", () => {
    if (!queue.length) to.destroy();
    else queue.push([queue.at(-1)[0], null]);
  });
}

const server = net.createServer((inbound) => {
  const outbound = net.connect(toPort, toHost);
  inbound.setNoDelay(true);
  outbound.setNoDelay(true);
  pipeLate(inbound, outbound);
  pipeLate(outbound, inbound);
});
server.listen(port, host, () => console.log(JSON.stringify({ delaying: `${host}:${server.address().port}` })));
process.on("SIGTERM", () => process.exit(0));
