#!/usr/bin/env python3
"""Authoring aid: fills in a transcript's expected replies from a real redis-server.

    tools/record-transcript.py PORT < draft.txt > server/src/test/resources/transcripts/NAME.txt

Every '> command' line of the draft is sent to redis-server (RESP2 and RESP3 connections) and the
replies are written below it in TranscriptTest's rendering ('@2'/'@3' lines where they differ).
Lines starting with 'keep ' in the draft are copied without the prefix (hand-written expectations
for output that legitimately differs, such as ids and timings); other lines pass through as they are.
"""
import socket, sys, time

def split(s):
    out, i = [], 0
    while i < len(s):
        while i < len(s) and s[i] == ' ': i += 1
        if i >= len(s): break
        if s[i] == '"':
            i += 1; b = bytearray()
            while s[i] != '"':
                if s[i] == '\\':
                    e = s[i+1]
                    if e == 'x': b.append(int(s[i+2:i+4], 16)); i += 4; continue
                    b += {'r': b'\r', 'n': b'\n', 't': b'\t'}.get(e, e.encode()); i += 2; continue
                b += s[i].encode(); i += 1
            i += 1; out.append(bytes(b))
        else:
            j = i
            while j < len(s) and s[j] != ' ': j += 1
            out.append(s[i:j].encode()); i = j
    return out

def unescape(s):
    return split('"' + s.replace('"', '\\"') + '"')[0]

class Conn:
    def __init__(self, port, proto):
        self.s = socket.create_connection(('127.0.0.1', port)); self.f = self.s.makefile('rb')
        if proto == 3: self.call([b'HELLO', b'3'])
    def send(self, args):
        self.s.sendall(b'*%d\r\n' % len(args) + b''.join(b'$%d\r\n%s\r\n' % (len(a), a) for a in args))
    def call(self, args): self.send(args); return self.read()
    def line(self): return self.f.readline()[:-2].decode('latin1')
    def read(self):
        t = self.f.read(1).decode('latin1'); l = self.line()
        if t in '+-:,#(': return t + l
        if t == '_': return '(null)'
        if t in '$=':
            n = int(l)
            if n < 0: return '(nil)'
            b = self.f.read(n); self.f.read(2)
            return ('=' if t == '=' else '') + quote(b)
        if t in '*~>':
            n = int(l)
            if n < 0: return '(nil)'
            return t + '[' + ', '.join(self.read() for _ in range(n)) + ']'
        if t == '%':
            n = int(l); parts = []
            for _ in range(n): k = self.read(); v = self.read(); parts.append(k + ': ' + v)
            return '%{' + ', '.join(parts) + '}'
        raise Exception('type ' + t)

def quote(b):
    s = '"'
    for c in b:
        if c in (34, 92): s += '\\' + chr(c)
        elif c == 10: s += '\\n'
        elif c == 13: s += '\\r'
        elif c < 32 or c >= 127: s += '\\x%02x' % c
        else: s += chr(c)
    return s + '"'

port = int(sys.argv[1])
lines = sys.stdin.read().splitlines()

def run(proto):
    c = Conn(port, proto)
    c.call([b'FLUSHALL'])
    replies = []
    for raw in lines:
        line = raw.strip()
        if line.startswith('sleep '):
            time.sleep(int(line[6:]) / 1000)
        elif line.startswith('>> '):
            c.send(split(line[3:]))
        elif line.startswith('> '):
            replies.append(c.call(split(line[2:])))
    return replies

r2, r3 = run(2), run(3)
i = 0
for n, raw in enumerate(lines):
    line = raw.strip()
    if line.startswith('keep '):
        print(line[5:]); continue
    print(raw)
    if line.startswith('> '):
        overridden = n + 1 < len(lines) and lines[n + 1].strip().startswith('keep ')
        if overridden: pass
        elif r2[i] == r3[i]: print(r2[i])
        else: print('@2 ' + r2[i]); print('@3 ' + r3[i])
        i += 1
