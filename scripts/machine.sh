#!/usr/bin/env bash
# What the tests need from this machine besides the venv: Chromium and chromedriver (browser
# tests), nginx (production topology tests), and PostgreSQL and Redis running on 127.0.0.1.
# `make test` runs this first. As root it installs and starts what is missing; otherwise it
# stops at once with the exact command to run.
set -euo pipefail

root() { [ "$(id -u)" -eq 0 ]; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v nginx >/dev/null || missing+=(nginx-light)
if ((${#missing[@]})); then
  if ! root; then
    echo "The tests need: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  start="pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql 2>/dev/null | tail -n 1) main start"
  if ! root; then
    echo "PostgreSQL is not running on 127.0.0.1:5432. Run: sudo $start"
    exit 1
  fi
  $start
fi

if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  start="redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no"
  if ! root; then
    echo "Redis is not running on 127.0.0.1:6379. Run: sudo $start"
    exit 1
  fi
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/helpline-tests.log
fi
