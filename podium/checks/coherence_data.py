"""Tables the lab coherence rules use: data only."""

from __future__ import annotations

OFFICIAL_IMAGES = frozenset("""
adminer aerospike almalinux alpine amazoncorretto amazonlinux arangodb archlinux backdrop bash bonita buildpack-deps
busybox caddy cassandra chronograf cirros clearlinux clojure composer consul couchbase couchdb crate dart debian
docker drupal eclipse-mosquitto eclipse-temurin elasticsearch elixir erlang fedora flink fluentd gcc ghost golang
gradle groovy haproxy haskell hello-world httpd hylang ibmjava influxdb irssi jenkins jetty joomla jruby julia
kapacitor kibana kong librephotos logstash mageia mariadb matomo maven mediawiki memcached mongo mongo-express
mono mysql nats neo4j neurodebian nextcloud nginx node notary odoo open-liberty openjdk oraclelinux orientdb
percona perl photon php php-zendserver phpmyadmin plone postfixadmin postgres pypy python r-base rabbitmq
rakudo-star redis redmine registry rethinkdb rocket.chat rockylinux ros ruby rust sapmachine satosa silverpeas
solr sonarqube spark swift swipl teamspeak telegraf tomcat tomee traefik ubuntu unit varnish vault websphere-liberty
wordpress xwiki yourls znc zookeeper
""".split())
"""Docker Official Images: names that need no namespace to pull."""

IMPORT_PACKAGES = {
    "yaml": "pyyaml", "PIL": "pillow", "sklearn": "scikit-learn", "bs4": "beautifulsoup4", "cv2": "opencv-python",
    "dateutil": "python-dateutil", "jwt": "pyjwt", "dotenv": "python-dotenv", "psycopg2": "psycopg2-binary",
    "MySQLdb": "mysqlclient", "google": "protobuf", "attr": "attrs", "magic": "python-magic", "serial": "pyserial",
    "Crypto": "pycryptodome", "OpenSSL": "pyopenssl", "jose": "python-jose", "multipart": "python-multipart",
    "socketio": "python-socketio", "engineio": "python-engineio", "telegram": "python-telegram-bot",
    "docx": "python-docx", "pptx": "python-pptx", "slugify": "python-slugify", "kafka": "kafka-python",
    "memcache": "python-memcached", "zmq": "pyzmq", "usb": "pyusb", "git": "gitpython", "github": "pygithub",
    "ldap": "python-ldap", "win32api": "pywin32", "skimage": "scikit-image", "Levenshtein": "python-levenshtein",
    "flask_sqlalchemy": "flask-sqlalchemy", "flask_cors": "flask-cors", "flask_login": "flask-login",
    "flask_wtf": "flask-wtf", "flask_migrate": "flask-migrate", "rest_framework": "djangorestframework",
    "pkg_resources": "setuptools", "setuptools": "setuptools", "kubernetes": "kubernetes",
}
"""Import names whose package (as requirements.txt names it) is spelled otherwise."""

ALTERNATIVE_PACKAGES = {"psycopg2-binary": ("psycopg2",), "opencv-python": ("opencv-python-headless",),
                        "pillow": ("pillow-simd",), "pyyaml": ("ruamel.yaml",)}
"""Packages that another in the requirements can stand in for."""

WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"})
"""Kubernetes kinds whose pods carry `spec.template.metadata.labels`."""

COMPOSE_NAMES = frozenset({"docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"})
FLASK_DEFAULT_PORT = 5000
