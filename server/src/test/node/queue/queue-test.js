// A BullMQ-style job queue on ioredis: producers add jobs through a Lua script (job hash, wait list,
// event stream), workers move jobs with BLMOVE and finish them through another script, an event
// listener follows the stream with a consumer group. Checks that no job is lost or done twice.
// Usage: node queue-test.js PORT [PRODUCERS=4] [JOBS_PER_PRODUCER=500] [WORKERS=6]
'use strict';
const Redis = require('ioredis');

const port = Number(process.argv[2]);
const producers = Number(process.argv[3] || 4);
const perProducer = Number(process.argv[4] || 500);
const workers = Number(process.argv[5] || 6);
const total = producers * perProducer;
const P = '{q}:'; // one hash tag: a queue's keys live together, as BullMQ advises for clusters

const ADD_JOB = `
local id = redis.call('INCR', KEYS[1])
local jobKey = ARGV[1] .. 'job:' .. id
redis.call('HSET', jobKey, 'data', ARGV[2], 'state', 'waiting', 'attempts', 0)
redis.call('LPUSH', KEYS[2], id)
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100000, '*', 'event', 'added', 'jobId', id)
return id`;

const COMPLETE_JOB = `
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed == 0 then return redis.error_reply('job ' .. ARGV[1] .. ' is not active') end
local jobKey = ARGV[2] .. 'job:' .. ARGV[1]
redis.call('HINCRBY', jobKey, 'attempts', 1)
redis.call('HSET', jobKey, 'state', 'completed', 'result', ARGV[3])
local first = redis.call('SADD', KEYS[2], ARGV[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', 100000, '*', 'event', 'completed', 'jobId', ARGV[1])
return first`;

function client() {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 3, lazyConnect: false });
  c.defineCommand('addJob', { numberOfKeys: 3, lua: ADD_JOB });
  c.defineCommand('completeJob', { numberOfKeys: 3, lua: COMPLETE_JOB });
  return c;
}

async function main() {
  const admin = client();
  await admin.flushall();
  await admin.xgroup('CREATE', P + 'events', 'listeners', '$', 'MKSTREAM');

  let completedTwice = 0;
  let completedCount = 0;
  const errors = [];

  const producerRuns = [];
  for (let p = 0; p < producers; p++) {
    producerRuns.push((async () => {
      const c = client();
      for (let i = 0; i < perProducer; i++) {
        await c.addJob(P + 'id', P + 'wait', P + 'events', P, JSON.stringify({ producer: p, n: i }));
      }
      c.disconnect();
    })());
  }

  const workerRuns = [];
  for (let w = 0; w < workers; w++) {
    workerRuns.push((async () => {
      const c = client();
      while (completedCount < total) {
        const id = await c.blmove(P + 'wait', P + 'active', 'RIGHT', 'LEFT', 0.2);
        if (id === null) continue;
        const job = await c.hgetall(P + 'job:' + id);
        const data = JSON.parse(job.data);
        try {
          const first = await c.completeJob(P + 'active', P + 'completed', P + 'events', id, P, String(data.n * 2));
          if (first === 1) completedCount++; else completedTwice++;
        } catch (e) {
          errors.push(String(e));
        }
      }
      c.disconnect();
    })());
  }

  // An event listener reading the stream through a consumer group, acknowledging as it goes.
  const seen = { added: 0, completed: 0 };
  const listener = (async () => {
    const c = client();
    while (seen.completed < total) {
      const r = await c.xreadgroup('GROUP', 'listeners', 'l1', 'COUNT', 100, 'BLOCK', 200, 'STREAMS', P + 'events', '>');
      if (!r) continue;
      const ids = [];
      for (const [, fields] of r[0][1]) {
        seen[fields[1]]++;
      }
      for (const [id] of r[0][1]) ids.push(id);
      await c.xack(P + 'events', 'listeners', ...ids);
    }
    c.disconnect();
  })();

  await Promise.all(producerRuns);
  await Promise.all(workerRuns);
  await listener;

  const completed = await admin.scard(P + 'completed');
  const waiting = await admin.llen(P + 'wait');
  const active = await admin.llen(P + 'active');
  const events = await admin.xlen(P + 'events');
  const pending = await admin.xpending(P + 'events', 'listeners');
  let badJobs = 0;
  for (let id = 1; id <= total; id++) {
    const j = await admin.hgetall(P + 'job:' + id);
    const data = JSON.parse(j.data);
    if (j.state !== 'completed' || j.attempts !== '1' || j.result !== String(data.n * 2)) badJobs++;
  }
  admin.disconnect();
  const summary = { total, completed, completedTwice, waiting, active, events, pendingEvents: pending[0],
    eventsSeen: seen, badJobs, errors: errors.slice(0, 5) };
  console.log(JSON.stringify(summary));
  const ok = completed === total && completedTwice === 0 && waiting === 0 && active === 0 && events === 2 * total
    && pending[0] === 0 && seen.added === total && seen.completed === total && badJobs === 0 && errors.length === 0;
  process.exit(ok ? 0 : 1);
}

main().catch(e => { console.error(e); process.exit(2); });
