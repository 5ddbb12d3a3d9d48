#!/bin/sh
# mkcerts.sh DIR: the test PKI for the fake Key Vault, made with the openssl CLI.
#   ca.pem ca.key                 test root CA (give ca.pem to azkv via --cacert)
#   vault.pem vault.key           leaf for *.vault.azure.net, localhost, 127.0.0.1 (default)
#   chain.pem chain.key           same names, issued by an intermediate; chain.pem = leaf + intermediate
#   untrusted-ca.pem              a second, unrelated root
#   untrusted.pem untrusted.key   right names, issued by untrusted-ca
#   wrongname.pem wrongname.key   issued by ca.pem but only for wrong.example.com
#   badsig.pem badsig.key         vault.pem with a flipped bit in its signature
#   badchain.pem badchain.key     chain.pem, the leaf's signature flipped the same way
#   expired.pem expired.key       issued by ca.pem, valid 2020-01-01 .. 2021-01-01
#   fresh.pem fresh.key           vault.pem's names, valid from now on: issued after
#                                 any build of azkv (the boot test's 1970 clock)
#   far.pem far.key               vault.pem's names and key, valid until 2050-01-01
#                                 (a GeneralizedTime past 2038: 32-bit time_t)
#   future.pem future.key         the same, valid 2040-01-01 .. 2050-01-01 (a
#                                 UTCTime past 2038): not yet valid
#   entra.pem entra.key           issued by ca.pem for the Entra ID authority hosts
#                                 (public, China, US Gov): the fake token endpoint
#   sf.pem sf.key                 self-signed (no CA): the Service Fabric token
#                                 endpoint, trusted only by its SHA-1 thumbprint
#   sf-ec.pem sf-ec.key           the same with a P-256 key
#   sf-big.pem sf-big.key         sf with a 17,000-byte private extension: a leaf
#                                 over azkv's 16 KiB limit for a pinned certificate
# Keys RSA 2048 (what Azure serves) but sf-ec. Idempotent: DIR is overwritten.
set -eu
[ $# -eq 1 ] || { echo "usage: mkcerts.sh DIR" >&2; exit 2; }
d=$1
mkdir -p "$d"
cd "$d"
rm -rf work && mkdir work
GOOD_SAN='DNS:*.vault.azure.net,DNS:vault.azure.net,DNS:*.contoso.test,DNS:*.vault.contoso.test,DNS:localhost,IP:127.0.0.1'
GOOD_SAN="$GOOD_SAN,DNS:*.vault.azure.cn,DNS:*.vault.usgovcloudapi.net"
GOOD_SAN="$GOOD_SAN,DNS:*.managedhsm.azure.net"
ENTRA_SAN='DNS:login.microsoftonline.com,DNS:login.chinacloudapi.cn,DNS:login.microsoftonline.us'

ossl() { openssl "$@" 2>work/openssl.err || { cat work/openssl.err >&2; exit 1; }; }

# root CA: NAME SUBJECT
mkroot() {
	ossl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
		-keyout "$1.key" -out "$1.pem" -subj "/O=azkv tests/CN=$2" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign \
		-addext subjectKeyIdentifier=hash
}

# leaf or sub-CA via `openssl ca` (only it can set a past start date on OpenSSL 3.0):
# sign ISSUER NAME SUBJECT_CN SAN|ca START END [KEY-OF]: a new key, or KEY-OF.key's
sign() {
	iss=$1 name=$2 cn=$3 san=$4 start=$5 end=$6
	if [ -n "${7:-}" ]; then
		cp "$7.key" "$name.key"
		ossl req -new -key "$name.key" -out "work/$name.csr" -subj "/O=azkv tests/CN=$cn"
	else
		ossl req -new -newkey rsa:2048 -nodes -keyout "$name.key" \
			-out "work/$name.csr" -subj "/O=azkv tests/CN=$cn"
	fi
	: > "work/$iss.index"
	[ -f "work/$iss.serial" ] || openssl rand -hex 16 > "work/$iss.serial"
	if [ "$san" = ca ]; then
		ext='basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign'
	else
		ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"
	fi
	cat > work/ca.cnf <<CNF
[ca]
default_ca = c
[c]
database = work/$iss.index
serial = work/$iss.serial
new_certs_dir = work
certificate = $iss.pem
private_key = $iss.key
default_md = sha256
policy = p
unique_subject = no
copy_extensions = none
[p]
organizationName = optional
commonName = supplied
[x]
$ext
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
	ossl ca -batch -notext -config work/ca.cnf -extensions x \
		-startdate "$start" -enddate "$end" \
		-in "work/$name.csr" -out "$name.pem"
}

NOW_MINUS=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
NOW=$(date -u +%Y%m%d%H%M%SZ)
LATER=$(date -u -d '+3650 days' +%Y%m%d%H%M%SZ)

mkroot ca "azkv test root CA"
mkroot untrusted-ca "azkv untrusted root CA"
sign ca vault "*.vault.azure.net" "$GOOD_SAN" "$NOW_MINUS" "$LATER"
sign ca intermediate "azkv test intermediate CA" ca "$NOW_MINUS" "$LATER"
sign intermediate chain "*.vault.azure.net" "$GOOD_SAN" "$NOW_MINUS" "$LATER"
cat intermediate.pem >> chain.pem
sign untrusted-ca untrusted "*.vault.azure.net" "$GOOD_SAN" "$NOW_MINUS" "$LATER"
sign ca wrongname "wrong.example.com" "DNS:wrong.example.com" "$NOW_MINUS" "$LATER"
sign ca expired "*.vault.azure.net" "$GOOD_SAN" 20200101000000Z 20210101000000Z
sign ca fresh "*.vault.azure.net" "$GOOD_SAN" "$NOW" "$LATER"
sign ca far "*.vault.azure.net" "$GOOD_SAN" "$NOW_MINUS" 20500101000000Z vault
sign ca future "*.vault.azure.net" "$GOOD_SAN" 20400101000000Z 20500101000000Z vault
sign ca entra "login.microsoftonline.com" "$ENTRA_SAN" "$NOW_MINUS" "$LATER"
# badsig: vault's certificate with one bit of its signature flipped (the key
# still matches, so the server can use it; a client must refuse it: no root
# verifies it); badchain: the same for chain's leaf, before the intermediate
# (the intermediate's signature check must fail)
flipsig() {
	cp "$1.key" "$2.key"
	openssl x509 -in "$1.pem" -outform DER -out "work/$1.der"
	python3 -c 'import base64, sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-1] ^= 1
b = base64.b64encode(bytes(d)).decode()
print("-----BEGIN CERTIFICATE-----"); [print(b[i:i + 64]) for i in range(0, len(b), 64)]
print("-----END CERTIFICATE-----")' "work/$1.der" > "$2.pem"
}
flipsig vault badsig
flipsig chain badchain
cat intermediate.pem >> badchain.pem
# selfsigned NAME NEWKEY-ARGS...: a leaf that is its own issuer (not a CA)
selfsigned() {
	n=$1
	shift
	ossl req -x509 -nodes -sha256 -days 3650 -keyout "$n.key" -out "$n.pem" \
		-subj "/O=azkv tests/CN=Service Fabric token endpoint" \
		-addext basicConstraints=critical,CA:FALSE \
		-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -newkey "$@"
}
selfsigned sf rsa:2048
selfsigned sf-ec ec -pkeyopt ec_paramgen_curve:P-256
selfsigned sf-big rsa:2048 -addext "1.3.6.1.4.1.55555.1=ASN1:UTF8String:$(head -c 17000 /dev/zero | tr '\0' x)"
rm -rf work
