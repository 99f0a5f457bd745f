import type { Door } from './call.js';
import { PodUsageError, type PodIo, type PodOptions } from './pod.js';

/** `locker pod local start|stop|status`: the embedded pod, reachable from this computer only. */
export async function localPodCommand(args: readonly string[], o: PodOptions, door: Door, io: PodIo): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.length) throw new PodUsageError(`pod local ${sub ?? ''} takes no more arguments`);
  const json = (v: unknown) => io.out(`${JSON.stringify(v)}\n`);
  switch (sub) {
    case 'start': {
      if (!o.json) io.err('locker: starting your local pod (the first start takes a few seconds)…\n');
      const r = await door.call('pod.local.start', {});
      if (r.kind === 'error') {
        io.err(`locker: ${r.message}\n`);
        return 1;
      }
      if (r.created && r.secrets.protection === 'plain-file') io.err(`locker: warning: ${r.secrets.describe}\n`);
      if (door.encrypted && !o.json) io.err('locker: note: your locker is encrypted, but the local pod keeps its copy of synced records unencrypted (it is a Solid server that apps read); use full-disk encryption, or a pod elsewhere\n');
      if (o.json) json({ baseUrl: r.baseUrl, webId: r.webId, podUrl: r.podUrl, alreadyRunning: r.alreadyRunning, created: r.created, connection: r.connection });
      else {
        io.out(`${r.alreadyRunning ? 'your local pod is already running' : 'your local pod is running'} at ${r.baseUrl} (this computer only)\n  WebID: ${r.webId}\n  pod: ${r.podUrl}\n`);
        if (r.connection === 'kept-other') io.out('  this locker syncs with another pod; connect to the local one with `locker pod connect`\n');
        else io.out('  `locker sync` now syncs with it\n');
        if (r.note) io.out(`  ${r.note}\n`);
      }
      return 0;
    }
    case 'stop': {
      const r = await door.call('pod.local.stop', {});
      if (r.kind === 'error') {
        io.err(`locker: ${r.message}\n`);
        return 1;
      }
      if (o.json) json(r);
      else io.out(r.kind === 'stopped' ? 'your local pod has stopped\n' : 'your local pod was not running\n');
      return 0;
    }
    case 'status': {
      const s = await door.call('pod.local.status', {});
      if (o.json) json(s);
      else if (s.kind === 'running') io.out(`running at ${s.baseUrl} (pid ${s.pid})\n`);
      else if (s.kind === 'error') {
        io.err(`locker: ${s.message}\n`);
        return 1;
      } else io.out(`${s.kind.replace('-', ' ')}\n`);
      return 0;
    }
    default:
      throw new PodUsageError('pod local needs start, stop or status');
  }
}
