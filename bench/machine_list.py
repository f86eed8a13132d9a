"""Times the machine list of a running console; prints p50/p99 and sizes.

Called by machine_list.sh, which starts the console and the simulator.
"""
import gzip
import http.cookiejar
import statistics
import sys
import time
import urllib.parse
import urllib.request

base, machines, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
jar = http.cookiejar.CookieJar()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def call(method, path, form=None, headers=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    try:
        with opener.open(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


new_password = "Bench#2026xy"
call("POST", "/KunlunXPanel/api/login", {"username": "super_dba", "password": "super_dba"})
call("POST", "/KunlunXPanel/api/change_password",
     {"current_password": "super_dba", "new_password": new_password, "confirm_password": new_password})
call("POST", "/KunlunXPanel/api/login", {"username": "super_dba", "password": new_password})


def timed(label, method, path, form=None):
    for _ in range(10):  # warm-up
        call(method, path, form)
    times, size = [], 0
    for _ in range(n):
        t0 = time.perf_counter()
        status, body = call(method, path, form)
        times.append((time.perf_counter() - t0) * 1000)
        assert status == 200, (label, status, body[:200])
        size = len(body)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{label:<44} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   "
          f"{size:>7} B raw   {len(gzip.compress(body)):>6} B gzip")


print(f"machine list, {machines} machines in the metadata (SQLite), {n} sequential requests each")
timed("page /KunlunXPanel/machines (SSR HTML)", "GET", "/KunlunXPanel/machines")
timed("list, page 1 (server fn JSON)", "POST", "/KunlunXPanel/api/machines/list", {"query[page]": "1"})
timed("list, last page", "POST", "/KunlunXPanel/api/machines/list", {"query[page]": str(max(1, machines // 20))})
timed("list, type+status filter, sort by memory", "POST", "/KunlunXPanel/api/machines/list",
      {"query[kind]": "storage", "query[status]": "running", "query[sort]": "memory", "query[descending]": "true",
       "query[page]": "3"})
timed("list, search '10.100.1'", "POST", "/KunlunXPanel/api/machines/list",
      {"query[search]": "10.100.1", "query[page]": "1"})
