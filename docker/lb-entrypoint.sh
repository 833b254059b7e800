#!/bin/sh
# The balancer's entrypoint: runs nginx (docker/nginx.conf) in front of the worker replicas and
# keeps its list of replicas equal to what Docker's DNS answers for the worker service.
#
#   lb-entrypoint.sh           start nginx, then refresh the replicas every second (PID 1)
#   lb-entrypoint.sh health    exit 0 when nginx's master runs, the replicas are known and the
#                              refresher ran in the last 10 s (the service's healthcheck)
#
# Why not nginx's own `resolve` (nginx >= 1.27.3): Debian's nginx is 1.22 and an offline build
# has only that (docker/README.md, "The balancer"). This works on both, and a new or vanished
# replica is seen within a second instead of five.
#
# What to resolve is read from nginx.conf's `# replicas: NAME:PORT PARAMETERS` line, so the
# service name, port and server parameters are written once. POSIX sh with getent (glibc),
# awk and sort: any Debian-based nginx image has them (nginx:1.27-bookworm, Debian's nginx).
set -eu

conf=${PHI_LAB_NGINX_CONF:-/etc/nginx/nginx.conf}
replicas=/etc/nginx/phi-replicas.conf
beat=/run/phi-lb.beat
pid_file=/run/nginx.pid

say() { echo "lb-entrypoint: $*" >&2; }

line=$(sed -n 's/^[[:space:]]*# replicas:[[:space:]]*//p' "$conf")
[ -n "$line" ] || { say "no '# replicas: NAME:PORT PARAMETERS' line in $conf"; exit 2; }
target=${line%% *}
params=${line#"$target"}
name=${target%:*}
port=${target##*:}

# The upstream lines for every IPv4 address of $name, sorted; empty when it does not resolve.
render() {
    getent ahostsv4 "$name" 2>/dev/null | awk '{print $1}' | sort -u -t . -k1,1n -k2,2n -k3,3n -k4,4n |
        while read -r address; do echo "server $address:$port$params;"; done
}

if [ "${1:-}" = health ]; then
    [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null || { echo "nginx is not running"; exit 1; }
    [ -s "$replicas" ] || { echo "no replica of '$name' is known yet"; exit 1; }
    # A heartbeat older than 10 s means the refresher has stopped.
    [ -n "$(find "$beat" -newermt '10 seconds ago' 2>/dev/null)" ] || { echo "the replica refresher has stopped"; exit 1; }
    echo "healthy: $(grep -c '^server' "$replicas") replica(s) of '$name'"
    exit 0
fi

# Wait for the first replica: nginx refuses an upstream without servers.
waited=0
until [ -n "$(render)" ]; do
    [ $((waited % 10)) -eq 0 ] && say "waiting for '$name' to resolve to a replica (${waited}s)"
    sleep 1
    waited=$((waited + 1))
done
render > "$replicas"
say "replicas of '$name': $(awk '{print $2}' "$replicas" | tr '\n' ' ')"

nginx -g 'daemon off;' &
nginx_pid=$!
# docker stop sends SIGTERM: nginx's graceful stop (QUIT) lets the requests in flight finish.
trap 'kill -QUIT "$nginx_pid" 2>/dev/null' TERM INT QUIT

while kill -0 "$nginx_pid" 2>/dev/null; do
    touch "$beat"
    render > "$replicas.next" || true
    # No address at all (every replica down): keep the last list, so nginx keeps trying them.
    if [ -s "$replicas.next" ] && ! cmp -s "$replicas.next" "$replicas"; then
        mv "$replicas.next" "$replicas"
        say "replicas of '$name' changed: $(awk '{print $2}' "$replicas" | tr '\n' ' ')"
        nginx -s reload || say "nginx -s reload failed"
    fi
    sleep 1 &
    wait $! || true
done
wait "$nginx_pid"
