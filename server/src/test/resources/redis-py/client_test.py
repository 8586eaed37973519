"""redis-py (Debian's python3-redis 4.3, RESP2) against a server on 127.0.0.1:PORT.

    /usr/bin/python3 client_test.py PORT

Every check asserts; the last line is "redis-py: all checks passed" when they all did. Run by
RedisPyClientTest, which starts the server.
"""
import sys
import threading
import time

import redis

PORT = int(sys.argv[1])


def client(**kw):
    return redis.Redis(host='127.0.0.1', port=PORT, socket_timeout=10, **kw)


def connections():
    r = client()
    assert r.ping() is True
    assert r.flushall() is True
    assert r.set('greeting', 'hello') is True
    assert r.get('greeting') == b'hello'
    assert client(decode_responses=True).get('greeting') == 'hello'
    r.client_setname('py-main')
    assert r.client_getname() == 'py-main'  # redis-py decodes this one itself
    other_db = client(db=3)
    other_db.set('greeting', 'in db 3')
    assert other_db.get('greeting') == b'in db 3' and r.get('greeting') == b'hello'
    pool = redis.ConnectionPool(host='127.0.0.1', port=PORT, max_connections=8)
    errors = []

    def worker(n):
        try:
            c = redis.Redis(connection_pool=pool)
            for i in range(50):
                c.incr('pooled')
                c.set('w:%d:%d' % (n, i), i)
        except Exception as e:  # reported below
            errors.append(e)
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert r.get('pooled') == b'400'
    assert r.exists(*['w:%d:%d' % (n, i) for n in range(8) for i in range(50)]) == 400
    assert r.delete('w:0:0', 'w:1:1', 'nokey') == 2
    assert r.expire('greeting', 100) is True and 0 < r.ttl('greeting') <= 100


def pipelines():
    r = client()
    p = r.pipeline(transaction=False)
    for i in range(100):
        p.set('p%d' % i, i)
    p.get('p7').incr('p7').lrange('nolist', 0, -1).hset('h', mapping={'a': 1, 'b': 2}).hgetall('h')
    res = p.execute()
    assert res[:100] == [True] * 100
    assert res[100:] == [b'7', 8, [], 2, {b'a': b'1', b'b': b'2'}], res[100:]
    p = r.pipeline(transaction=False)
    p.set('s', 'x').incr('s').get('s')
    res = p.execute(raise_on_error=False)
    assert res[0] is True and isinstance(res[1], redis.ResponseError) and res[2] == b'x', res
    t = r.pipeline(transaction=True)
    t.set('t1', 1).incrby('t1', 41).set('t2', 'two').mget('t1', 't2', 'p1')
    assert t.execute() == [True, 42, True, [b'42', b'two', b'1']]
    t = r.pipeline(transaction=True)
    t.set('t3', 'a').lpush('t3', 'b')
    try:
        t.execute()
        assert False, 'EXEC should report the WRONGTYPE of the second command'
    except redis.ResponseError as e:
        assert 'WRONGTYPE' in str(e), e
    assert r.get('t3') == b'a'


def watch():
    r = client()
    other = client()
    r.set('balance', 100)

    def spend(pipe):
        balance = int(pipe.get('balance'))
        pipe.multi()
        pipe.set('balance', balance - 30)
    assert r.transaction(spend, 'balance') == [True]
    assert r.get('balance') == b'70'
    with r.pipeline() as pipe:
        pipe.watch('balance')
        assert int(pipe.get('balance')) == 70
        other.set('balance', 1000)  # another client changes the watched key
        pipe.multi()
        pipe.set('balance', 0)
        try:
            pipe.execute()
            assert False, 'EXEC must fail after the watched key changed'
        except redis.WatchError:
            pass
    assert r.get('balance') == b'1000'
    with r.pipeline() as pipe:
        pipe.watch('balance', 'nokey')
        pipe.multi()
        pipe.incr('balance')
        assert pipe.execute() == [1001]


def wait_message(ps, kind, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = ps.get_message(timeout=0.2)
        if m is not None and m['type'] == kind:
            return m
    raise AssertionError('no %s message within %.0f s' % (kind, timeout))


def pubsub():
    r = client()
    ps = r.pubsub()
    ps.subscribe('news', 'sport')
    assert wait_message(ps, 'subscribe')['channel'] == b'news'
    assert wait_message(ps, 'subscribe')['channel'] == b'sport'
    ps.psubscribe('log.*')
    assert wait_message(ps, 'psubscribe')['channel'] == b'log.*'
    pub = client()
    assert pub.publish('news', 'extra') == 1
    m = wait_message(ps, 'message')
    assert (m['channel'], m['data']) == (b'news', b'extra'), m
    assert pub.publish('log.error', b'disk \x00 full') == 1
    m = wait_message(ps, 'pmessage')
    assert (m['pattern'], m['channel'], m['data']) == (b'log.*', b'log.error', b'disk \x00 full'), m
    assert pub.pubsub_numsub('news', 'nobody') == [(b'news', 1), (b'nobody', 0)]
    assert pub.pubsub_numpat() == 1
    ps.unsubscribe('news')
    assert wait_message(ps, 'unsubscribe')['channel'] == b'news'
    assert pub.publish('news', 'unheard') == 0
    ps.punsubscribe()
    wait_message(ps, 'punsubscribe')
    ps.close()
    received = []
    ps = r.pubsub(ignore_subscribe_messages=True)
    ps.subscribe(**{'fast': lambda msg: received.append(msg['data'])})
    thread = ps.run_in_thread(sleep_time=0.05, daemon=True)
    deadline = time.time() + 5
    while pub.pubsub_numsub('fast')[0][1] == 0 and time.time() < deadline:
        time.sleep(0.02)
    for i in range(20):
        pub.publish('fast', i)
    deadline = time.time() + 5
    while len(received) < 20 and time.time() < deadline:
        time.sleep(0.05)
    thread.stop()
    thread.join(5)  # before close: the worker may be reading still
    assert received == [str(i).encode() for i in range(20)], received
    ps.close()


def scripting():
    r = client()
    assert r.eval("return redis.call('set', KEYS[1], ARGV[1])", 1, 'sk', 'sv') == b'OK'
    assert r.eval("return {KEYS[1], ARGV[1], 3, redis.call('get', KEYS[1])}", 1, 'sk', 'a') == [b'sk', b'a', 3, b'sv']
    sha = r.script_load("return redis.call('incrby', KEYS[1], ARGV[1])")
    assert r.script_exists(sha, '0' * 40) == [True, False]
    assert r.evalsha(sha, 1, 'counter', 5) == 5
    assert r.evalsha(sha, 1, 'counter', 2) == 7
    try:
        r.evalsha('0' * 40, 0)
        assert False, 'unknown sha must fail'
    except redis.exceptions.NoScriptError:
        pass
    incr = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1]) * tonumber(ARGV[2])")
    assert incr(keys=['rs'], args=[3, 10]) == 30
    r.script_flush()
    assert incr(keys=['rs'], args=[1, 1]) == 4  # reloaded after NOSCRIPT
    p = r.pipeline()
    incr(keys=['rs'], args=[1, 2], client=p)
    p.get('rs')
    assert p.execute() == [10, b'5']
    try:
        r.eval("return redis.call('lpush', KEYS[1], 'x')", 1, 'sk')
        assert False, 'WRONGTYPE from inside the script'
    except redis.ResponseError as e:
        assert 'WRONGTYPE' in str(e), e


def binary():
    r = client()
    every = bytes(range(256))
    assert r.set(every, every) is True
    assert r.get(every) == every
    assert r.strlen(every) == 256
    assert r.append(every, every) == 512 and r.get(every) == every + every
    assert r.mset({b'\x00k': b'\x00\r\n', b'\xffk': b'\xff'}) is True
    assert r.mget(b'\x00k', b'\xffk', b'none') == [b'\x00\r\n', b'\xff', None]
    r.hset(b'bh', mapping={every: every[::-1]})
    assert r.hget(b'bh', every) == every[::-1]
    r.rpush(b'bl', *[bytes([i]) for i in range(256)])
    assert r.lrange(b'bl', 0, -1) == [bytes([i]) for i in range(256)]
    r.zadd(b'bz', {every: 1.5})
    assert r.zscore(b'bz', every) == 1.5
    dumped = r.dump(every)
    assert r.restore(b'copy', 0, dumped) == b'OK' and r.get(b'copy') == every + every


def auth():
    admin = client()
    assert admin.acl_setuser('py', enabled=True, passwords=['+s3cret'], keys=['app:*'], commands=['+@all']) is True
    user = client(username='py', password='s3cret')
    assert user.acl_whoami() == 'py'  # decoded by redis-py
    assert user.set('app:1', 'ok') is True
    try:
        user.set('other', 'no')
        assert False, 'key outside the user\'s patterns'
    except redis.exceptions.NoPermissionError:
        pass
    try:
        client(username='py', password='wrong').ping()
        assert False, 'wrong password'
    except (redis.exceptions.AuthenticationError, redis.ResponseError) as e:
        assert 'WRONGPASS' in str(e) or isinstance(e, redis.exceptions.AuthenticationError), e
    assert admin.acl_deluser('py') == 1


for check in (connections, pipelines, watch, pubsub, scripting, binary, auth):
    check()
    print('redis-py: %s ok' % check.__name__, flush=True)
print('redis-py: all checks passed')
