#!/bin/bash
# DEVELOPMENT STAND-IN for the devstack role (GATEKIT_TEMPEST_KEYSTONE=quick): keystone from
# the image's wheelhouse (else PyPI), MariaDB, uwsgi --http11-socket on :5000, clouds.yaml.
set -eu
export PIP_CERT=/etc/ssl/certs/ca-certificates.crt
if [ ! -x /opt/ks/bin/uwsgi ]; then
  python3 -m venv /opt/ks
  if ls /opt/cache/wheels/*.whl >/dev/null 2>&1; then
    /opt/ks/bin/pip install -q --no-index --find-links /opt/cache/wheels keystone uwsgi PyMySQL
  else
    /opt/ks/bin/pip install -q keystone uwsgi PyMySQL
  fi
fi
PW=${KS_ADMIN_PASSWORD:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
HOST=$(hostname -I | awk '{print $1}')
mkdir -p /run/mysqld && chown mysql: /run/mysqld
if ! mysqladmin ping >/dev/null 2>&1; then
  (setsid mysqld_safe >/var/log/mysqld_safe.log 2>&1 &)
  for _ in $(seq 60); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
fi
DBPW=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mysql -e "CREATE DATABASE IF NOT EXISTS keystone; CREATE USER IF NOT EXISTS 'keystone'@'localhost' IDENTIFIED BY '$DBPW'; ALTER USER 'keystone'@'localhost' IDENTIFIED BY '$DBPW'; GRANT ALL ON keystone.* TO 'keystone'@'localhost';"
mkdir -p /etc/keystone /opt/stack/logs /var/lib/keystone
cat > /etc/keystone/keystone.conf <<CONF
[DEFAULT]
log_file = /opt/stack/logs/keystone.log
[database]
connection = mysql+pymysql://keystone:$DBPW@127.0.0.1/keystone
[token]
provider = fernet
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
[credential]
key_repository = /etc/keystone/credential-keys/
[identity]
password_hash_rounds = 4
[security_compliance]
unique_last_password_count = 2
lockout_duration = 10
lockout_failure_attempts = 2
${KS_EXTRA:-}
CONF
K=/opt/ks/bin
"$K/keystone-manage" db_sync
"$K/keystone-manage" fernet_setup --keystone-user root --keystone-group root
"$K/keystone-manage" credential_setup --keystone-user root --keystone-group root
"$K/keystone-manage" bootstrap --bootstrap-password "$PW" --bootstrap-region-id RegionOne \
  --bootstrap-admin-url "http://$HOST:5000" --bootstrap-public-url "http://$HOST:5000" --bootstrap-internal-url "http://$HOST:5000"
pkill -f 'uwsgi.*keystone' || true; sleep 1
(setsid "$K/uwsgi" --http11-socket 0.0.0.0:5000 --module keystone.wsgi.api:application --processes 3 --threads 1 --master --lazy-apps --die-on-term --virtualenv /opt/ks --logto /opt/stack/logs/keystone-uwsgi.log &)
for _ in $(seq 60); do curl -sf "http://$HOST:5000/v3" >/dev/null && break; sleep 1; done
mkdir -p /etc/openstack
umask 077
cat > /etc/openstack/clouds.yaml <<Y
clouds:
  devstack-admin:
    auth:
      auth_url: http://$HOST:5000
      username: admin
      password: $PW
      project_name: admin
      user_domain_id: default
      project_domain_id: default
    region_name: RegionOne
    identity_api_version: 3
Y
echo KEYSTONE_READY "http://$HOST:5000"
