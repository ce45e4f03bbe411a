#!/usr/bin/env python3
"""Generate the sender-constrained token vectors: DPoP proofs (RFC 9449) and mTLS client certificates
(RFC 8705) for the resource-server tests.

Outputs (relative to the package root):

  TestVectors/dpop/proofs.json          DPoP proofs: valid ones and each way one can be wrong
  TestVectors/mtls/<name>.pem           a test CA, a server certificate for 127.0.0.1 and localhost, two
                                        client certificates of that CA and one of another CA
  TestVectors/mtls/<name>-key.pem       their private TEST-ONLY keys; created only if missing
  TestVectors/mtls/certificates.json    each certificate's RFC 8705 thumbprint (x5t#S256)

Run from anywhere:  python3 Scripts/generate-dpop-vectors.py

An implementation of its own, independent of the Swift code: the proofs' JOSE encoding and the RFC 7638
thumbprints come from Scripts/generate-vectors.py (base64url, compact JSON, JWKs, signing: written out
there); the certificates from `cryptography`'s X.509 builder. The proofs are signed with the keys of
TestVectors/introspection/keys.

Re-running is reproducible: proofs carry fixed iat and jti values and are signed deterministically
(RSASSA-PKCS1-v1_5, RFC 6979 ECDSA, Ed25519); the certificates have fixed serial numbers and validity and
are signed with RFC 6979 ECDSA by keys that are reused once created.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.util
import ipaddress
import json
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parent.parent
DPOP_DIR = ROOT / "TestVectors" / "dpop"
MTLS_DIR = ROOT / "TestVectors" / "mtls"

_spec = importlib.util.spec_from_file_location("jws_vectors", Path(__file__).resolve().parent / "generate-vectors.py")
jws = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jws)
b64u = jws.b64u

AT = 1763740800  # 2025-11-21T16:00:00Z: the ManualClock time the tests run the proofs at
MAX_AGE = 60
CLOCK_SKEW = 5
ALGORITHMS = ["ES256", "EdDSA", "RS256"]  # the resource server's allow-list in the tests
ACCESS_TOKEN = "Kz9yQ2dQb1BvUC1ib3VuZC10ZXN0LXRva2VuLTAx"  # stored in the local AS by the tests
METHOD = "GET"
SERVER_NONCE = "eyJ7S_zG.nonce-2025"  # the nonce the tests' resource server hands out, when a case says so
URI = "https://rs.example.com/orders"  # the request's target URI (the tests send a query too)

# The proof key of each algorithm.
KEY_OF = {"ES256": "ec-p256", "EdDSA": "ed25519", "RS256": "rsa-2048", "ES512": "ec-p521"}


def proof_jwk(name: str) -> dict:
    """The public JWK of a proof key, without kid (RFC 9449 §4.2 needs none)."""
    return jws.jwk(name, with_kid=False)


def thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, no white space."""
    required = {"RSA": ["e", "kty", "n"], "EC": ["crv", "kty", "x", "y"], "OKP": ["crv", "kty", "x"]}[jwk["kty"]]
    return b64u(hashlib.sha256(jws.dumps({name: jwk[name] for name in required})).digest())


def ath(token: str) -> str:
    return b64u(hashlib.sha256(token.encode("ascii")).digest())


def proof(alg="ES256", *, key=None, header=None, claims=None, signer="same", drop=()) -> str:
    """A DPoP proof for METHOD URI at AT with the access token's ath. `header`/`claims` override members
    (None removes one), `drop` removes claims, `signer` names another key to sign with (None: no
    signature; "same": the key in jwk)."""
    key = key or KEY_OF.get(alg, "ec-p256")
    hdr = {"typ": "dpop+jwt", "alg": alg, "jwk": proof_jwk(key)}
    for name, value in (header or {}).items():
        if value is None:
            hdr.pop(name, None)
        else:
            hdr[name] = value
    body = {"jti": "jti-" + hashlib.sha256(jws.dumps([hdr, claims or {}, sorted(drop)])).hexdigest()[:16],
            "htm": METHOD, "htu": URI, "iat": AT, "ath": ath(ACCESS_TOKEN)}
    for name, value in (claims or {}).items():
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    for name in drop:
        body.pop(name, None)
    if signer == "same":
        signer = key
    return jws.mint(hdr, body, signer=signer, alg=alg if not alg.startswith("HS") else alg)


def cases() -> list[dict]:
    p256 = thumbprint(proof_jwk("ec-p256"))
    out: list[dict] = []

    def case(id, description, proofs, *, jkt=p256, scheme="DPoP", method=METHOD, uri=URI, repeat=1, valid=False,
             error="invalid_dpop_proof", verifier_code=None, server_nonce=None):
        expected = {"valid": True} if valid else {"valid": False, "error": error}
        if verifier_code:
            expected["verifier_code"] = verifier_code
        out.append({"id": id, "description": description, "scheme": scheme, "method": method, "uri": uri,
                    "jkt": jkt, "proofs": proofs, "repeat": repeat, "server_nonce": server_nonce, "expected": expected})

    # Valid proofs, one per algorithm family.
    for alg in ALGORITHMS:
        key = KEY_OF[alg]
        case(f"valid-{alg.lower()}", f"a valid {alg} proof for the request, bound by cnf.jkt to its key",
             [proof(alg)], jkt=thumbprint(proof_jwk(key)), valid=True)
    case("valid-htu-normalised", "htu differs from the request URI only in case, default port and dot segments "
         "(equal after RFC 3986 §6 normalisation)", [proof(claims={"htu": "HTTPS://RS.Example.COM:443/./api/../orders"})],
         valid=True)
    case("valid-request-query", "the request has a query and the htu has none: the query is not part of htu",
         [proof()], uri=URI + "?page=2", valid=True)
    case("valid-iat-oldest", f"iat exactly {MAX_AGE} s before the clock", [proof(claims={"iat": AT - MAX_AGE})], valid=True)
    case("valid-iat-skew", f"iat {CLOCK_SKEW} s ahead of the clock (the tolerated skew)",
         [proof(claims={"iat": AT + CLOCK_SKEW})], valid=True)

    # Each way one can be wrong.
    case("typ-jwt", "typ is JWT, not dpop+jwt", [proof(header={"typ": "JWT"})], verifier_code="wrong_type")
    case("typ-missing", "no typ", [proof(header={"typ": None})], verifier_code="wrong_type")
    case("alg-none", "alg none with an empty signature", [proof(header={"alg": "none"}, signer=None)],
         verifier_code="unsupported_algorithm")
    hs = jws.mint({"typ": "dpop+jwt", "alg": "HS256", "jwk": proof_jwk("ec-p256")},
                  {"jti": "jti-hs256", "htm": METHOD, "htu": URI, "iat": AT, "ath": ath(ACCESS_TOKEN)},
                  signer=jws.OCT_SECRET, alg="HS256")
    case("alg-hs256", "alg HS256: a symmetric algorithm", [hs], verifier_code="unsupported_algorithm")
    case("alg-not-allowed", "ES512: asymmetric, but not in the resource server's allow-list",
         [proof("ES512")], jkt=thumbprint(proof_jwk("ec-p521")), verifier_code="unsupported_algorithm")
    private = dict(proof_jwk("ec-p256"))
    private["d"] = b64u(jws.KEYS["ec-p256"].private_numbers().private_value.to_bytes(32, "big"))
    case("jwk-private", "jwk carries the private key (d)", [proof(header={"jwk": private})], verifier_code="unknown_key")
    case("jwk-missing", "no jwk in the header", [proof(header={"jwk": None})], verifier_code="unknown_key")
    case("signature-other-key", "signed by another key than the one in jwk", [proof(signer="ec-p256-b")],
         verifier_code="bad_signature")
    case("htm-mismatch", "htm is POST, the request is GET", [proof(claims={"htm": "POST"})])
    case("htm-lowercase", "htm is get: methods compare exactly", [proof(claims={"htm": "get"})])
    case("htu-query", "htu carries a query", [proof(claims={"htu": URI + "?page=2"})], uri=URI + "?page=2")
    case("htu-fragment", "htu carries a fragment", [proof(claims={"htu": URI + "#top"})])
    case("htu-other-path", "htu names another path", [proof(claims={"htu": "https://rs.example.com/admin"})])
    case("htu-other-host", "htu names another host", [proof(claims={"htu": "https://evil.example.com/orders"})])
    case("htu-http", "htu is http, the request https", [proof(claims={"htu": "http://rs.example.com/orders"})])
    case("iat-stale", f"iat {MAX_AGE + 1} s before the clock", [proof(claims={"iat": AT - MAX_AGE - 1})])
    case("iat-future", f"iat {CLOCK_SKEW + 1} s ahead of the clock", [proof(claims={"iat": AT + CLOCK_SKEW + 1})])
    case("iat-missing", "no iat", [proof(drop=["iat"])], verifier_code="missing_claim")
    case("jti-missing", "no jti", [proof(drop=["jti"])], verifier_code="missing_claim")
    case("jti-replayed", "the same valid proof sent twice within the window: the second is a replay",
         [proof(claims={"jti": "jti-replayed"})], repeat=2)
    case("ath-wrong", "ath is the hash of another token", [proof(claims={"ath": ath("another-token")})])
    case("ath-missing", "no ath although an access token is sent", [proof(drop=["ath"])])
    case("thumbprint-mismatch", "a valid proof by another key than the token's cnf.jkt",
         [proof(key="ec-p256-b")], error="invalid_token")
    case("two-dpop-headers", "two DPoP fields, each a valid proof", [proof(claims={"jti": "one"}), proof(claims={"jti": "two"})])
    case("proof-missing", "the DPoP scheme without a DPoP field", [])
    case("bound-token-as-bearer", "a DPoP-bound token sent with the Bearer scheme (and a valid proof)", [proof()],
         scheme="Bearer", error="invalid_token")
    case("unbound-token-as-dpop", "the DPoP scheme and a valid proof for a token without cnf.jkt", [proof()],
         jkt=None, error="invalid_token")
    # Server nonces (RFC 9449 §9): the resource server hands out SERVER_NONCE.
    case("nonce-valid", "the proof carries the server's current nonce", [proof(claims={"nonce": SERVER_NONCE})],
         valid=True, server_nonce=SERVER_NONCE)
    case("nonce-missing", "nonces are required and the proof carries none", [proof()], error="use_dpop_nonce",
         server_nonce=SERVER_NONCE)
    case("nonce-stale", "the proof carries a nonce the server no longer accepts",
         [proof(claims={"nonce": "an-old-nonce"})], error="use_dpop_nonce", server_nonce=SERVER_NONCE)
    return out


# ---------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------

NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
NOT_AFTER = datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)

# name -> (issuer, common name, kind, serial)
CERTIFICATES = {
    "ca": (None, "swift-introspection-jwt test CA", "ca", 1),
    "server": ("ca", "127.0.0.1", "server", 2),
    "client": ("ca", "rs-client", "client", 3),
    "client-b": ("ca", "rs-client-b", "client", 4),
    "other-ca": (None, "another test CA", "ca", 5),
    "other-client": ("other-ca", "rs-client", "client", 6),
}


def key_for(name: str) -> ec.EllipticCurvePrivateKey:
    path = MTLS_DIR / f"{name}-key.pem"
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    print(f"generated {path.relative_to(ROOT)}")
    return key


def certificates() -> dict:
    MTLS_DIR.mkdir(parents=True, exist_ok=True)
    keys = {name: key_for(name) for name in CERTIFICATES}
    made: dict = {}
    thumbprints: dict = {}
    for name, (issuer, common_name, kind, serial) in CERTIFICATES.items():
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        issuer_name = made[issuer].subject if issuer else subject
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
                   .public_key(keys[name].public_key()).serial_number(serial)
                   .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER))
        if kind == "ca":
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            builder = builder.add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False),
                critical=True)
        else:
            builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            usage = ExtendedKeyUsageOID.SERVER_AUTH if kind == "server" else ExtendedKeyUsageOID.CLIENT_AUTH
            builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            if kind == "server":
                builder = builder.add_extension(x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(keys[name].public_key()), critical=False)
        if issuer:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(keys[issuer].public_key()), critical=False)
        signer = keys[issuer or name]
        certificate = builder.sign(signer, hashes.SHA256(), ecdsa_deterministic=True)
        made[name] = certificate
        (MTLS_DIR / f"{name}.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        der = certificate.public_bytes(serialization.Encoding.DER)
        thumbprints[name] = b64u(hashlib.sha256(der).digest())
    return thumbprints


def main() -> int:
    jws.load_or_create_keys()
    DPOP_DIR.mkdir(parents=True, exist_ok=True)
    document = {
        "description": "DPoP proofs (RFC 9449) made by Scripts/generate-dpop-vectors.py; run each at `at` on the "
                       "resource server's clock with `algorithms`, `max_age` and `clock_skew`",
        "at": AT, "max_age": MAX_AGE, "clock_skew": CLOCK_SKEW, "algorithms": ALGORITHMS,
        "access_token": ACCESS_TOKEN,
        "origin": "https://rs.example.com",
        "cases": cases(),
    }
    (DPOP_DIR / "proofs.json").write_text(json.dumps(document, indent=1) + "\n")
    thumbprints = certificates()
    (MTLS_DIR / "certificates.json").write_text(json.dumps({
        "description": "x5t#S256 (RFC 8705 §3.1: base64url SHA-256 of the DER) of each certificate in this folder",
        "thumbprints": thumbprints}, indent=1) + "\n")
    print(f"wrote {len(document['cases'])} DPoP cases and {len(thumbprints)} certificates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
