#!/usr/bin/env bash
# Seeds of fuzz_pkcs12 (tests/fuzz/corpus/pkcs12): one small PFX per variant
# azkv reads, made by openssl with an EC key, a one-level chain and one
# iteration (-noiter) so that each replay is fast. The first byte of each
# seed is the harness's password selector: 0 none given, 1 "", 2 "pw".
set -eu
out=$(cd "$(dirname "$0")" && pwd)/corpus/pkcs12
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -subj /CN=fuzzroot -days 3650 -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out k.key
openssl req -new -key k.key -subj /CN=fuzzleaf -out l.csr
openssl x509 -req -in l.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -out l.pem 2>/dev/null
mkdir -p "$out"
# seed NAME SELECTOR PASSWORD [pkcs12 options...]
seed() {
	local name=$1 sel=$2 pass=$3
	shift 3
	openssl pkcs12 -export -inkey k.key -in l.pem -certfile ca.pem -passout "pass:$pass" \
		-noiter "$@" -out x.p12
	{ printf "\\x$sel"; cat x.p12; } >"$out/$name"
}
seed default 00 ''
seed legacy 00 '' -legacy
seed none 00 '' -keypbe NONE -certpbe NONE
seed nomac 00 '' -nomac
seed 3des 00 '' -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
seed password-pw 02 pw -legacy
seed rc2-128 01 '' -keypbe PBE-SHA1-RC2-128 -certpbe PBE-SHA1-RC2-128 -macalg sha1 -legacy
seed pbes2-mix 00 '' -keypbe des-ede3-cbc -certpbe aes-128-cbc
