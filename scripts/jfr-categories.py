#!/usr/bin/env python3
"""Where the CPU of a bin/bench-prov run goes, from a JFR recording (docs/benchmarks.md, issue #5).

    JAVA_OPTS="-XX:StartFlightRecording=filename=prov.jfr,settings=profile" bin/bench-prov ...
    scripts/jfr-categories.py prov.jfr 12:08:11 12:08:41    # the window bench-prov printed

Reads the execution samples with the JDK's `jfr` tool, keeps those inside the window (local time,
HH:MM:SS[.fff], as printed by bench-prov), and prints the top frames, the share of samples whose
stack contains each category (inclusive, so categories overlap), and the share per thread.
"""
import collections
import re
import subprocess
import sys

CATEGORIES = [
    ('TLS handshakes (JSSE, client and server)',
     lambda fr: any('sun.security.ssl' in x and ('Hello' in x or 'KeyShare' in x or 'CertificateVerify' in x
                                                 or 'CertificateMessage' in x or 'Finished' in x or 'Handshake' in x)
                    for x in fr)),
    ('  of which x25519 (JDK XDH)', lambda fr: any('sun.security.ec.XDH' in x or 'XECOperations' in x for x in fr)),
    ('  of which P-256 in SunEC (ECDSA, EC key shares)',
     lambda fr: any('sun.security.ec.ECDSA' in x or 'sun.security.ec.ECOperations' in x for x in fr)
     and any('sun.security.ssl' in x for x in fr)),
    ('  of which X509TrustManager (PKIX in TLS)', lambda fr: any('X509TrustManagerImpl' in x for x in fr)),
    ('SunEC anywhere', lambda fr: any('sun.security.ec.' in x for x in fr)),
    ('PKIX CertPathValidator outside TLS', lambda fr: any('CertPathValidator' in x for x in fr)
     and not any('sun.security.ssl' in x for x in fr)),
    ('Bouncy Castle anywhere', lambda fr: any('org.bouncycastle' in x for x in fr)),
    ('Jws.verify', lambda fr: any('org.openmcim.wire.jws.Jws.verify' in x for x in fr)),
    ('Jws.sign', lambda fr: any('org.openmcim.wire.jws.Jws.sign' in x for x in fr)),
    ('McimObjectCodec.seal', lambda fr: any('McimObjectCodec.seal' in x for x in fr)),
    ('McimObjectCodec.open', lambda fr: any('McimObjectCodec.open' in x for x in fr)),
    ('DirectoryRecords', lambda fr: any('DirectoryRecords' in x for x in fr)),
    ('Jackson', lambda fr: any('com.fasterxml.jackson' in x for x in fr)),
    ('TLS records (SSLCipher)', lambda fr: any('SSLCipher' in x for x in fr)),
    ('device threads (org.openmcim.bench)', lambda fr: any('org.openmcim.bench' in x for x in fr)),
    ('JDK HttpClient (DPF->SHO, SHO->PVA)', lambda fr: any('jdk.internal.net.http' in x for x in fr)),
    ('Netty', lambda fr: any('io.netty' in x for x in fr)),
]


def samples(path):
    out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '96', path],
                         capture_output=True, text=True, check=True).stdout
    cur = None
    for line in out.splitlines():
        s = line.strip()
        if s.startswith('jdk.ExecutionSample'):
            if cur:
                yield cur
            cur = {'frames': [], 'thread': '', 't': ''}
        elif cur is None:
            continue
        elif s.startswith('startTime'):
            cur['t'] = s.split('=', 1)[1].strip()
        elif s.startswith('sampledThread'):
            cur['thread'] = s.split('=', 1)[1].strip()
        elif re.match(r'^[\w$.<>]+\(.*\)', s):  # a frame; library frames have no "line:"
            cur['frames'].append(s.split('(')[0])
    if cur:
        yield cur


def main():
    if len(sys.argv) not in (2, 4):
        sys.exit(__doc__)
    ss = list(samples(sys.argv[1]))
    if len(sys.argv) == 4:
        ss = [x for x in ss if sys.argv[2] <= x['t'] <= sys.argv[3]]
    n = len(ss)
    if n == 0:
        sys.exit('no samples in the window')
    print('samples', n)
    print('--- top frames (self)')
    for k, v in collections.Counter(x['frames'][0] for x in ss if x['frames']).most_common(20):
        print(f'{v:6d} {100 * v / n:5.1f}% {k}')
    print('--- categories (inclusive)')
    for name, pred in CATEGORIES:
        v = sum(1 for x in ss if pred(x['frames']))
        print(f'{v:6d} {100 * v / n:5.1f}% {name}')
    print('--- threads')
    threads = collections.Counter(re.sub(r'"? \(javaThreadId.*', '', x['thread']).strip('"') for x in ss)
    for k, v in threads.most_common(15):
        print(f'{v:6d} {100 * v / n:5.1f}% {k}')


if __name__ == '__main__':
    main()
