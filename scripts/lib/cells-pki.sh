# shellcheck shell=bash
# Certificates and kubeconfigs for local cells, sourced by scripts/local-cells.
#
# One CA per home ($HOME_DIR/pki) signs everything: each cell's apiserver serving
# certificate and the client certificates of its admin, controller-manager,
# scheduler and kwok. Keys are EC P-256 because openssl makes them in milliseconds
# (RSA-2048 costs ~100 ms each and a cell needs six). Nothing here talks to a cell.

# Run openssl quietly; on failure show what it said, since a bare exit code is useless.
pki_openssl() {
  local out
  if ! out=$(openssl "$@" 2>&1); then
    printf 'openssl %s failed:\n%s\n' "$1" "$out" >&2
    return 1
  fi
}

pki_new_key() { pki_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

# pki_ensure_ca DIR: create DIR/ca.{crt,key} once; later calls reuse them so
# certificates of cells that are already running stay valid.
pki_ensure_ca() {
  local dir=$1
  [[ -s $dir/ca.crt && -s $dir/ca.key ]] && return 0
  mkdir -p "$dir"
  chmod 700 "$dir"
  local cfg="$dir/ca.cnf"
  cat >"$cfg" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = cellgate-local-cells-ca
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
EOF
  pki_new_key "$dir/ca.key.tmp" || return 1
  pki_openssl req -x509 -new -config "$cfg" -extensions v3_ca -key "$dir/ca.key.tmp" \
    -days 3650 -out "$dir/ca.crt.tmp" || return 1
  mv "$dir/ca.key.tmp" "$dir/ca.key"
  mv "$dir/ca.crt.tmp" "$dir/ca.crt"
  rm -f "$cfg"
}

# pki_issue CA_DIR OUT_PREFIX SUBJECT KIND [SAN]: a leaf key+cert signed by the CA.
# KIND is server or client. Serials are random so cells can be issued in parallel
# (openssl's -CAcreateserial file would race).
pki_issue() {
  local ca=$1 out=$2 subject=$3 kind=$4 san=${5:-}
  local ext="$out.ext"
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature, keyEncipherment"
    if [[ $kind == server ]]; then
      echo "extendedKeyUsage = serverAuth"
      echo "subjectAltName = $san"
    else
      echo "extendedKeyUsage = clientAuth"
    fi
  } >"$ext"
  pki_new_key "$out.key" || return 1
  pki_openssl req -new -key "$out.key" -subj "$subject" -out "$out.csr" || return 1
  pki_openssl x509 -req -in "$out.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -extfile "$ext" -out "$out.crt" || return 1
  rm -f "$out.csr" "$ext"
}

# pki_cell CA_DIR CELL PKI_DIR: everything one cell needs.
pki_cell() {
  local ca=$1 cell=$2 dir=$3
  mkdir -p "$dir"
  chmod 700 "$dir"
  # The service IP 10.96.0.1 and the kubernetes.default names are what in-cluster
  # clients would dial; 127.0.0.1/localhost are what we dial.
  pki_issue "$ca" "$dir/apiserver" "/CN=kube-apiserver" server \
    "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" || return 1
  # system:masters is the group RBAC's bootstrap policy binds to cluster-admin.
  pki_issue "$ca" "$dir/admin" "/O=system:masters/CN=$cell-admin" client || return 1
  # These CNs are the users RBAC's bootstrap roles grant to each component.
  pki_issue "$ca" "$dir/controller-manager" "/CN=system:kube-controller-manager" client || return 1
  pki_issue "$ca" "$dir/scheduler" "/CN=system:kube-scheduler" client || return 1
  # The apiserver's identity towards aggregated API servers (front proxy).
  pki_issue "$ca" "$dir/front-proxy-client" "/CN=front-proxy-client" client || return 1
  # kwok writes Node and Pod status for every fake node; the Node authorizer would
  # only let a real kubelet touch its own node, so kwok runs as a cluster admin.
  pki_issue "$ca" "$dir/kwok" "/O=system:masters/CN=kwok" client || return 1
  # Service-account token signing key pair (apiserver signs, controller-manager
  # signs legacy tokens, both verify with the public half).
  pki_new_key "$dir/sa.key" || return 1
  pki_openssl pkey -in "$dir/sa.key" -pubout -out "$dir/sa.pub" || return 1
}

# pki_kubeconfig OUT CELL SERVER CA_CRT USER CERT KEY: a single-context kubeconfig
# with the certificates embedded, so it stays valid wherever it is copied.
pki_kubeconfig() {
  local out=$1 cell=$2 server=$3 ca=$4 user=$5 cert=$6 key=$7
  cat >"$out.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: $cell
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 <"$cert")
    client-key-data: $(base64 -w0 <"$key")
contexts:
- name: $cell
  context:
    cluster: $cell
    user: $user
current-context: $cell
EOF
  chmod 600 "$out.tmp"
  mv "$out.tmp" "$out"
}
