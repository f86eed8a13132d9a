"""Issue #8 (d): does argon2 stall other requests? Times the machine list page alone,
then while 4 clients log in without pause (each login hashes with argon2id on the blocking
pool), and prints p50/p99 of both and of the logins. Called by bench/load.sh.
Usage: logins.py BASE PASSWORD COOKIE
"""
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

base, password, cookie = sys.argv[1:4]


def get(path):
    req = urllib.request.Request(base + path, headers={"Cookie": cookie})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - t0) * 1000


def login():
    data = urllib.parse.urlencode({"username": "super_dba", "password": password}).encode()
    req = urllib.request.Request(base + "/KunlunXPanel/api/login", data=data,
                                 headers={"Origin": base})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        r.read()
        assert r.status == 200
    return (time.perf_counter() - t0) * 1000


def stats(xs):
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(len(xs) * 0.99))]


page = "/KunlunXPanel/machines"
for _ in range(20):
    get(page)
alone = [get(page) for _ in range(200)]

CLIENTS = 4
stop = threading.Event()
login_times = []
throttled = []


def keep_logging_in():
    # The console counts a login in flight against its per-user-and-address limit (5) until
    # it succeeds, so more at once from here would be refused with 429 (counted if any).
    # Four keep the hashing queue full: one hash runs at a time on 2 cores.
    while not stop.is_set():
        try:
            login_times.append(login())
        except urllib.error.HTTPError as e:
            if e.code != 429:
                raise
            throttled.append(1)


threads = [threading.Thread(target=keep_logging_in) for _ in range(CLIENTS)]
for t in threads:
    t.start()
time.sleep(0.5)
during = [get(page) for _ in range(200)]
stop.set()
for t in threads:
    t.join()

a50, a99 = stats(alone)
d50, d99 = stats(during)
l50, l99 = stats(login_times)
print(f"machine list page alone:                 p50 {a50:6.2f} ms  p99 {a99:7.2f} ms")
print(f"machine list page during {CLIENTS} logins:       p50 {d50:6.2f} ms  p99 {d99:7.2f} ms")
print(f"the logins ({len(login_times)} done, {CLIENTS} at a time):   p50 {l50:6.1f} ms  p99 {l99:7.1f} ms"
      f"  ({len(throttled)} attempts refused by the login throttle)")
