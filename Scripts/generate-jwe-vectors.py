#!/usr/bin/env python3
"""Generate test vectors for encrypted RFC 9701 introspection responses (nested JWTs: a compact JWE
around the signed JWS, RFC 9701 §5, RFC 7519 §5.2).

Outputs (relative to the package root):

  TestVectors/introspection-jwe/keys/<name>.pem   private TEST-ONLY decryption keys; created only if missing
  TestVectors/introspection-jwe/cases/<id>.json   one case per file (format: TestVectors/README.md)

Run from anywhere:  python3 Scripts/generate-jwe-vectors.py

An independent implementation of JWE encryption (RFC 7516, RFC 7518 §4-5): RSAES-OAEP encoding, the
Concat KDF, the AES_CBC_HMAC_SHA2 composition and the JOSE encoding are written out here; only the
primitives (RSA public operation by pow(), AES, AES-GCM, AES key wrap, ECDH, X25519, HMAC, SHA-2) come
from `cryptography` and the standard library. The inner signed responses come from
Scripts/generate-vectors.py (its keys and its signing code, also independent of the Swift code).

Re-running is reproducible: every CEK, IV, OAEP seed and ephemeral key is derived from the case's id,
so the same keys give byte-identical outputs.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import shutil
import sys
from pathlib import Path

from cryptography.hazmat.primitives import padding as sym_padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_wrap

ROOT = Path(__file__).resolve().parent.parent
VECTOR_DIR = ROOT / "TestVectors" / "introspection-jwe"
KEY_DIR = VECTOR_DIR / "keys"
CASE_DIR = VECTOR_DIR / "cases"

_spec = importlib.util.spec_from_file_location("jws_vectors", Path(__file__).resolve().parent / "generate-vectors.py")
jws = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jws)

b64u = jws.b64u
ALGS = ["RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512", "ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW",
        "ECDH-ES+A256KW", "A128KW", "A192KW", "A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW", "dir"]
ENCS = ["A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM"]
CEK_BYTES = {"A128CBC-HS256": 32, "A192CBC-HS384": 48, "A256CBC-HS512": 64, "A128GCM": 16, "A192GCM": 24, "A256GCM": 32}
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
ERROR_CODES = [
    "malformed", "encryption_required", "unsupported_encryption", "unsupported_algorithm", "wrong_type",
    "unsupported_critical_header", "decryption_failed", "unknown_key", "weak_key", "bad_signature", "missing_claim",
    "wrong_issuer", "wrong_audience", "not_yet_valid", "expired", "invalid_introspection", "jwks_unavailable",
    "decryption_keys_unavailable",
]

# ---------------------------------------------------------------------------------------------
# Keys: RSA, EC and X25519 decryption keys in PEM files; symmetric keys derived from their name
# ---------------------------------------------------------------------------------------------

KEY_SPECS = {
    "rsa-enc": ("rsa", 2048), "rsa-enc-b": ("rsa", 2048), "rsa-enc-3072": ("rsa", 3072), "rsa-enc-1024": ("rsa", 1024),
    "ec-p256-enc": ("ec", "P-256"), "ec-p256-enc-b": ("ec", "P-256"), "ec-p384-enc": ("ec", "P-384"),
    "ec-p521-enc": ("ec", "P-521"), "x25519-enc": ("x25519", None),
}
KEYS: dict = {}


def load_or_create_keys() -> None:
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    for name, (kind, param) in KEY_SPECS.items():
        path = KEY_DIR / f"{name}.pem"
        if not path.exists():
            key = (rsa.generate_private_key(public_exponent=65537, key_size=param) if kind == "rsa"
                   else ec.generate_private_key(CURVES[param]()) if kind == "ec" else x25519.X25519PrivateKey.generate())
            path.write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            print(f"generated {path.relative_to(ROOT)}")
        KEYS[name] = serialization.load_pem_private_key(path.read_bytes(), password=None)


def secret(name: str, size: int) -> bytes:
    """A symmetric test key, derived from its name (TEST ONLY)."""
    return hashlib.shake_256(f"oct-key {name}".encode()).digest(size)


def private_jwk(name: str, kid="default", **extra) -> dict:
    """The private JWK of an RSA, EC or X25519 key file, or of a symmetric key `oct-<bits>[-suffix]`."""
    head: dict = {}
    if name.startswith("oct-"):
        size = int(name.split("-")[1]) // 8
        head["kty"] = "oct"
        material = {"k": b64u(secret(name, size))}
    else:
        key = KEYS[name]
        if isinstance(key, rsa.RSAPrivateKey):
            n = key.private_numbers()
            p = n.public_numbers
            head["kty"] = "RSA"
            material = {"n": jws.uint_b64(p.n), "e": jws.uint_b64(p.e), "d": jws.uint_b64(n.d), "p": jws.uint_b64(n.p),
                        "q": jws.uint_b64(n.q), "dp": jws.uint_b64(n.dmp1), "dq": jws.uint_b64(n.dmq1), "qi": jws.uint_b64(n.iqmp)}
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            size = (key.curve.key_size + 7) // 8
            n = key.private_numbers()
            crv = {v.name: k for k, v in CURVES.items()}[key.curve.name]
            head["kty"] = "EC"
            material = {"crv": crv, "x": b64u(n.public_numbers.x.to_bytes(size, "big")),
                        "y": b64u(n.public_numbers.y.to_bytes(size, "big")), "d": b64u(n.private_value.to_bytes(size, "big"))}
        else:
            raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
            pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            head["kty"] = "OKP"
            material = {"crv": "X25519", "x": b64u(pub), "d": b64u(raw)}
    if kid is not None:
        head["kid"] = name if kid == "default" else kid
    head.update(extra)
    head.update(material)
    return head


def public_only(jwk: dict) -> dict:
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi", "k")}


# ---------------------------------------------------------------------------------------------
# Deterministic randomness, per case
# ---------------------------------------------------------------------------------------------

class Random:
    def __init__(self, label: str):
        self.label = label
        self.counter = 0

    def bytes(self, n: int) -> bytes:
        self.counter += 1
        return hashlib.shake_256(f"{self.label}/{self.counter}".encode()).digest(n)


# ---------------------------------------------------------------------------------------------
# JWE encryption, written out (RFC 7516 §5.1, RFC 7518 §4-5)
# ---------------------------------------------------------------------------------------------

HASH = {"RSA-OAEP": hashlib.sha1, "RSA-OAEP-256": hashlib.sha256, "RSA-OAEP-384": hashlib.sha384, "RSA-OAEP-512": hashlib.sha512}


def mgf1(seed: bytes, length: int, h) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += h(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def oaep_encrypt(public_key: rsa.RSAPublicKey, message: bytes, alg: str, rnd: Random) -> bytes:
    """RSAES-OAEP-ENCRYPT (RFC 8017 §7.1.1) with an empty label and MGF1 over the same hash."""
    h = HASH[alg]
    numbers = public_key.public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    h_len = h().digest_size
    assert len(message) <= k - 2 * h_len - 2
    db = h(b"").digest() + b"\x00" * (k - len(message) - 2 * h_len - 2) + b"\x01" + message
    seed = rnd.bytes(h_len)
    masked_db = bytes(a ^ b for a, b in zip(db, mgf1(seed, k - h_len - 1, h)))
    masked_seed = bytes(a ^ b for a, b in zip(seed, mgf1(masked_db, h_len, h)))
    em = b"\x00" + masked_seed + masked_db
    return pow(int.from_bytes(em, "big"), numbers.e, numbers.n).to_bytes(k, "big")


def concat_kdf(z: bytes, algorithm_id: str, apu: bytes, apv: bytes, size: int) -> bytes:
    """NIST SP 800-56A Concat KDF with SHA-256 (RFC 7518 §4.6.2)."""
    other = b"".join(len(f).to_bytes(4, "big") + f for f in (algorithm_id.encode(), apu, apv)) + (size * 8).to_bytes(4, "big")
    out = b""
    counter = 1
    while len(out) < size:
        out += hashlib.sha256(counter.to_bytes(4, "big") + z + other).digest()
        counter += 1
    return out[:size]


def ephemeral(crv: str, rnd: Random):
    """A deterministic ephemeral key: a scalar below 2^(bits-1), which is below each curve's order."""
    if crv == "X25519":
        return x25519.X25519PrivateKey.from_private_bytes(rnd.bytes(32))
    curve = CURVES[crv]()
    bits = curve.key_size
    scalar = int.from_bytes(rnd.bytes((bits + 7) // 8 + 8), "big") % (2 ** (bits - 1)) + 1
    return ec.derive_private_key(scalar, curve)


def epk_jwk(key) -> dict:
    pub = key.public_key()
    if isinstance(pub, x25519.X25519PublicKey):
        return {"kty": "OKP", "crv": "X25519", "x": b64u(pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))}
    size = (pub.curve.key_size + 7) // 8
    crv = {v.name: k for k, v in CURVES.items()}[pub.curve.name]
    n = pub.public_numbers()
    return {"kty": "EC", "crv": crv, "x": b64u(n.x.to_bytes(size, "big")), "y": b64u(n.y.to_bytes(size, "big"))}


def agree(ephemeral_key, recipient) -> bytes:
    if isinstance(ephemeral_key, x25519.X25519PrivateKey):
        return ephemeral_key.exchange(recipient)
    return ephemeral_key.exchange(ec.ECDH(), recipient)


def encrypt_content(enc: str, cek: bytes, iv: bytes, plaintext: bytes, aad: bytes) -> tuple[bytes, bytes]:
    """(ciphertext, tag) for `enc` (RFC 7518 §5.2.2.1, §5.3)."""
    if enc.endswith("GCM"):
        out = AESGCM(cek).encrypt(iv, plaintext, aad)
        return out[:-16], out[-16:]
    half = len(cek) // 2
    mac_key, enc_key = cek[:half], cek[half:]
    padder = sym_padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    return ciphertext, cbc_tag(enc, mac_key, aad, iv, ciphertext)


def cbc_tag(enc: str, mac_key: bytes, aad: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    digest = {"A128CBC-HS256": hashlib.sha256, "A192CBC-HS384": hashlib.sha384, "A256CBC-HS512": hashlib.sha512}[enc]
    al = (len(aad) * 8).to_bytes(8, "big")
    return hmac.new(mac_key, aad + iv + ciphertext + al, digest).digest()[: len(mac_key)]


def encrypt(plaintext: bytes, alg: str, enc: str, recipient: str, rnd: Random, *, header_extra=None, cty="JWT",
            kid="default", header_bytes=None, cek=None, apu=None, apv=None, crv=None, epk_override=None):
    """A compact JWE of `plaintext` for the key `recipient` (a key file name or `oct-<bits>[-x]`).
    Returns (token, parts) where parts holds every intermediate value for cases that tamper with them."""
    header: dict = {"alg": alg, "enc": enc}
    if kid is not None:
        header["kid"] = recipient if kid == "default" else kid
    if cty is not None:
        header["cty"] = cty
    cek = cek if cek is not None else rnd.bytes(CEK_BYTES.get(enc, 32))
    encrypted_key = b""
    if alg.startswith("RSA-OAEP"):
        encrypted_key = oaep_encrypt(KEYS[recipient].public_key(), cek, alg, rnd)
    elif alg.startswith("ECDH-ES"):
        recipient_key = KEYS[recipient].public_key()
        curve = crv or ("X25519" if isinstance(recipient_key, x25519.X25519PublicKey)
                        else {v.name: k for k, v in CURVES.items()}[recipient_key.curve.name])
        eph = ephemeral(curve, rnd)
        header["epk"] = epk_override if epk_override is not None else epk_jwk(eph)
        if apu is not None:
            header["apu"] = b64u(apu)
        if apv is not None:
            header["apv"] = b64u(apv)
        z = agree(eph, recipient_key)
        if alg == "ECDH-ES":
            cek = concat_kdf(z, enc, apu or b"", apv or b"", CEK_BYTES[enc])
        else:
            size = int(alg[-5:-2]) // 8
            encrypted_key = aes_key_wrap(concat_kdf(z, alg, apu or b"", apv or b"", size), cek)
    elif alg.endswith("GCMKW"):
        kw_iv = rnd.bytes(12)
        out = AESGCM(secret(recipient, int(alg[1:4]) // 8)).encrypt(kw_iv, cek, b"")
        encrypted_key = out[:-16]
        header["iv"] = b64u(kw_iv)
        header["tag"] = b64u(out[-16:])
    elif alg.endswith("KW"):
        encrypted_key = aes_key_wrap(secret(recipient, int(alg[1:4]) // 8), cek)
    elif alg == "dir":
        cek = secret(recipient, CEK_BYTES[enc])
    if header_extra:
        for k, v in header_extra.items():
            if v is jws.DROP:
                header.pop(k, None)
            else:
                header[k] = v
    protected = b64u(header_bytes if header_bytes is not None else jws.dumps(header))
    iv = rnd.bytes(12 if enc.endswith("GCM") else 16)
    ciphertext, tag = encrypt_content(enc, cek, iv, plaintext, protected.encode("ascii"))
    parts = {"protected": protected, "encrypted_key": encrypted_key, "iv": iv, "ciphertext": ciphertext, "tag": tag, "cek": cek}
    return assemble(parts), parts


def assemble(parts: dict) -> str:
    return ".".join([parts["protected"], b64u(parts["encrypted_key"]), b64u(parts["iv"]), b64u(parts["ciphertext"]), b64u(parts["tag"])])


# ---------------------------------------------------------------------------------------------
# The inner signed responses, and the recipient's key files
# ---------------------------------------------------------------------------------------------

def inner(alg="RS256", **claim_changes) -> str:
    return jws.mint(jws.header(alg), jws.claims(**claim_changes))


# The recipient key of each key management family (ECDH cycles through the curves).
ECDH_RECIPIENTS = ["ec-p256-enc", "ec-p384-enc", "ec-p521-enc", "x25519-enc"]


def recipient_for(alg: str, enc: str, index: int = 0) -> str:
    if alg.startswith("RSA-OAEP"):
        return "rsa-enc"
    if alg.startswith("ECDH-ES"):
        return ECDH_RECIPIENTS[index % len(ECDH_RECIPIENTS)]
    if alg == "dir":
        return f"oct-{CEK_BYTES[enc] * 8}"
    return f"oct-{alg[1:4]}"


def jwks_file(*jwks: dict) -> dict:
    return {"jwks": {"keys": list(jwks)}}


def key_file(*names: str, **extra) -> dict:
    return jwks_file(*(private_jwk(n, **extra) for n in names))


def pem_file(name: str) -> dict:
    return {"pem": (KEY_DIR / f"{name}.pem").read_text()}


# ---------------------------------------------------------------------------------------------
# Case registry
# ---------------------------------------------------------------------------------------------

CASES: list[dict] = []


def add(case_id: str, description: str, token: str, expected: str, *, decryption_keys=None, algorithms=None,
        encryptions=None, require_encryption=False, inner_token=None, keys=None) -> None:
    """Register a case. `decryption_keys` is a list of files ({"jwks": ...}, {"pem": ...}, {"text": ...},
    {"missing": true}); expected is "valid" or an error code. For a valid case the expected alg, kid and
    token_introspection are read back from the inner token, and the encryption facts from the JWE header."""
    assert all(c["id"] != case_id for c in CASES), f"duplicate id {case_id}"
    assert description.endswith(".") and "\n" not in description, case_id
    case: dict = {"id": case_id, "description": description, "token": token,
                  "jwks": keys or jws.jwks(), "issuer": jws.ISSUER, "audiences": [jws.AUDIENCE], "at": jws.AT}
    if decryption_keys is not None:
        case["decryption_keys"] = decryption_keys
    if algorithms is not None:
        case["key_management_algorithms"] = algorithms
    if encryptions is not None:
        case["content_encryption_algorithms"] = encryptions
    if require_encryption:
        case["require_encryption"] = True
    if expected == "valid":
        inner_token = inner_token or token
        h, p, _ = inner_token.split(".")
        hdr, payload = json.loads(jws.b64u_decode(h)), json.loads(jws.b64u_decode(p))
        case["expected"] = {"valid": True, "alg": hdr["alg"], "kid": hdr.get("kid"),
                            "token_introspection": payload["token_introspection"]}
        if len(token.split(".")) == 5:
            protected = json.loads(jws.b64u_decode(token.split(".")[0]))
            case["expected"]["encryption"] = {"alg": protected["alg"], "enc": protected["enc"], "kid": protected.get("kid")}
        case["exit_code"] = 0
    else:
        assert expected in ERROR_CODES, expected
        case["expected"] = {"valid": False, "error": expected}
        case["exit_code"] = 2 if expected in ("jwks_unavailable", "decryption_keys_unavailable") else 1
    CASES.append(case)


def jwe_case(case_id: str, description: str, expected: str, *, alg="RSA-OAEP-256", enc="A256GCM", recipient=None,
             plaintext=None, decryption_keys=None, tamper=None, **options) -> None:
    """A case whose token is `plaintext` (default: a good RS256 response) encrypted for `recipient`."""
    rnd = Random(case_id)
    plaintext_token = inner() if plaintext is None else plaintext
    recipient = recipient or recipient_for(alg, enc)
    encrypt_options = {k: options.pop(k) for k in list(options) if k in (
        "header_extra", "cty", "kid", "header_bytes", "cek", "apu", "apv", "crv", "epk_override")}
    token, parts = encrypt(plaintext_token.encode() if isinstance(plaintext_token, str) else plaintext_token,
                           alg, enc, recipient, rnd, **encrypt_options)
    if tamper is not None:
        tamper(parts)
        token = parts["token"] if "token" in parts else assemble(parts)
    if decryption_keys is None:
        decryption_keys = [key_file(recipient)]
    add(case_id, description, token, expected, decryption_keys=decryption_keys,
        inner_token=plaintext_token if expected == "valid" else None, **options)


# ---------------------------------------------------------------------------------------------
# Case families
# ---------------------------------------------------------------------------------------------

def family_every_pair() -> None:
    """Every alg/enc pair decrypts and verifies (ECDH cycles through P-256, P-384, P-521 and X25519)."""
    for alg in ALGS:
        for index, enc in enumerate(ENCS):
            recipient = recipient_for(alg, enc, index)
            jwe_case(f"valid-{alg.lower().replace('+', '-')}-{enc.lower()}",
                     f"{alg} with {enc} (key {recipient}) decrypts and the inner RS256 response verifies.",
                     "valid", alg=alg, enc=enc, recipient=recipient)


def family_valid_variants() -> None:
    jwe_case("valid-inner-eddsa", "An encrypted EdDSA response verifies; alg and kid are the inner JWS's.", "valid",
             plaintext=inner("EdDSA"))
    jwe_case("valid-no-kid-several-keys",
             "Without kid every fitting key is tried: the second RSA key decrypts.", "valid", kid=None,
             decryption_keys=[key_file("rsa-enc-b", "rsa-enc")])
    jwe_case("valid-keys-in-two-files", "Keys may come from several files; the second file's key decrypts.", "valid",
             decryption_keys=[key_file("ec-p256-enc"), key_file("rsa-enc")])
    jwe_case("valid-rsa-pem-file", "A PEM RSA private key file (no kid) decrypts a JWE without kid.", "valid",
             kid=None, decryption_keys=[pem_file("rsa-enc")])
    jwe_case("decryption-failed-pem-key-has-no-kid", "A JWE kid names no key of a PEM file (it has no kid): decryption_failed.",
             "decryption_failed", decryption_keys=[pem_file("rsa-enc")])
    jwe_case("valid-ec-pem-file", "A PEM P-256 private key decrypts ECDH-ES+A128KW.", "valid", alg="ECDH-ES+A128KW",
             enc="A128GCM", recipient="ec-p256-enc", kid=None, decryption_keys=[pem_file("ec-p256-enc")])
    jwe_case("valid-x25519-pem-file", "A PEM X25519 private key decrypts ECDH-ES.", "valid", alg="ECDH-ES",
             enc="A128CBC-HS256", recipient="x25519-enc", kid=None, decryption_keys=[pem_file("x25519-enc")])
    jwe_case("valid-rsa-3072", "RSA-OAEP-512 with a 3072-bit key decrypts.", "valid", alg="RSA-OAEP-512",
             recipient="rsa-enc-3072")
    jwe_case("valid-ecdh-apu-apv", "ECDH-ES with apu and apv: both enter the Concat KDF.", "valid", alg="ECDH-ES",
             enc="A256GCM", recipient="ec-p256-enc", apu=b"Alice", apv=b"Bob")
    jwe_case("valid-ecdh-kw-apu-apv", "ECDH-ES+A192KW with apu and apv on P-384.", "valid", alg="ECDH-ES+A192KW",
             enc="A192CBC-HS384", recipient="ec-p384-enc", apu=b"as.example.com", apv=b"rs.example.com")
    jwe_case("valid-cty-lowercase", "cty \"jwt\" is accepted (letter case is tolerated).", "valid", cty="jwt")
    jwe_case("valid-cty-application-prefix", "cty \"application/JWT\" is accepted.", "valid", cty="application/JWT")
    jwe_case("valid-outer-typ-ignored", "The outer typ is not checked (\"JWT\" here).", "valid",
             header_extra={"typ": "JWT"})
    jwe_case("valid-dir-key-alg-is-enc", "A dir key whose JWK alg names the enc (as RFC 7520 §5.6 does) decrypts.",
             "valid", alg="dir", enc="A128GCM", decryption_keys=[key_file("oct-128", alg="A128GCM")])
    jwe_case("valid-key-alg-matches", "A key whose JWK alg equals the JWE alg decrypts.", "valid",
             decryption_keys=[key_file("rsa-enc", alg="RSA-OAEP-256", use="enc", key_ops=["decrypt", "unwrapKey"])])
    jwe_case("valid-unusable-keys-skipped", "Unusable keys beside the right one (public only, use sig) are skipped.",
             "valid", decryption_keys=[jwks_file(public_only(private_jwk("rsa-enc", kid="x")),
                                                 private_jwk("rsa-enc-b", kid="y", use="sig"), private_jwk("rsa-enc"))])
    jwe_case("valid-require-encryption", "An encrypted response passes when encryption is required.", "valid",
             require_encryption=True)
    jwe_case("valid-algorithms-restricted", "RSA-OAEP-256/A256GCM passes when only those are allowed.", "valid",
             algorithms=["RSA-OAEP-256"], encryptions=["A256GCM"])


def family_encryption_required() -> None:
    token = inner()
    add("encryption-required-plain-jws", "A signed-only response fails when encryption is required.", token,
        "encryption_required", decryption_keys=[key_file("rsa-enc")], require_encryption=True)
    add("encryption-required-bad-signature", "encryption_required comes before anything else about a 3-part input.",
        token[:-4] + "AAAA", "encryption_required", decryption_keys=[key_file("rsa-enc")], require_encryption=True)
    add("plain-jws-without-requirement", "Without --require-encryption a signed response with decryption keys verifies.",
        token, "valid", decryption_keys=[key_file("rsa-enc")], inner_token=token)


def family_malformed() -> None:
    def tamper_part(index: int, text: str):
        def apply(parts):
            pieces = assemble(parts).split(".")
            pieces[index] = text
            parts["token"] = ".".join(pieces)
        return apply
    names = ["header", "encrypted-key", "iv", "ciphertext", "tag"]
    for index, name in enumerate(names):
        jwe_case(f"malformed-{name}-padding", f"A padded (=) base64url {name} part is malformed.", "malformed",
                 tamper=lambda parts, i=index: tamper_part(i, assemble(parts).split(".")[i] + "=")(parts))
    jwe_case("malformed-iv-plus-sign", "A '+' in the IV part is malformed.", "malformed",
             tamper=lambda parts: tamper_part(2, "+" + assemble(parts).split(".")[2][1:])(parts))
    jwe_case("malformed-four-parts", "A JWE with its tag part and dot removed has 4 parts: malformed.", "malformed",
             tamper=lambda parts: parts.update(token=assemble(parts).rsplit(".", 1)[0]))
    jwe_case("malformed-six-parts", "Six parts are malformed.", "malformed",
             tamper=lambda parts: parts.update(token=assemble(parts) + ".AAAA"))
    jwe_case("malformed-header-not-json", "A protected header that is not JSON is malformed.", "malformed",
             header_bytes=b"alg=dir")
    jwe_case("malformed-header-array", "A protected header that is a JSON array is malformed.", "malformed",
             header_bytes=b'["RSA-OAEP-256"]')
    jwe_case("malformed-header-duplicate-alg", "Duplicate alg members in the protected header are malformed.", "malformed",
             header_bytes=b'{"alg":"RSA-OAEP-256","alg":"RSA-OAEP","enc":"A256GCM","cty":"JWT","kid":"rsa-enc"}')
    jwe_case("malformed-header-bad-utf8", "Invalid UTF-8 in the protected header is malformed.", "malformed",
             header_bytes=b'{"alg":"RSA-OAEP-256","enc":"A256GCM","cty":"JWT","x":"\xff"}')
    jwe_case("malformed-plaintext-json", "A JWE whose content is a JSON object (not a nested JWT) is malformed.",
             "malformed", plaintext=jws.dumps(jws.claims()))
    jwe_case("malformed-plaintext-nested-jwe", "A JWE whose content is another JWE is malformed.", "malformed",
             plaintext=encrypt(inner().encode(), "RSA-OAEP-256", "A256GCM", "rsa-enc", Random("nested"))[0])
    jwe_case("malformed-inner-bad-base64", "An inner JWS with a padded payload part is malformed.", "malformed",
             plaintext=inner().replace(".", "=.", 1))
    jwe_case("malformed-plaintext-too-long", "A decrypted content over 65536 bytes is malformed.", "malformed",
             alg="dir", enc="A128GCM", plaintext=inner() + "A" * 65536)
    big = "A" * (128 * 1024)
    jwe_case("malformed-over-128-kib", "An encrypted response over 128 KiB is malformed before any decoding.",
             "malformed", tamper=lambda parts: parts.update(token=assemble(parts)[:-22] + big + "AAAAAAAAAAAAAAAAAAAAAA"))


def family_unsupported_encryption() -> None:
    for case_id, description, header_extra in [
        ("alg-missing", "A JWE header without alg", {"alg": jws.DROP}),
        ("alg-number", "A JWE alg that is a number", {"alg": 1}),
        ("alg-rsa1-5", "alg RSA1_5 (PKCS #1 v1.5 padding oracles)", {"alg": "RSA1_5"}),
        ("alg-pbes2", "alg PBES2-HS256+A128KW (password-based)", {"alg": "PBES2-HS256+A128KW"}),
        ("alg-is-enc-name", "alg A128GCM (an enc name)", {"alg": "A128GCM"}),
        ("alg-lowercase", "alg rsa-oaep-256 in lower case", {"alg": "rsa-oaep-256"}),
        ("alg-signature-name", "alg RS256 (a signature algorithm)", {"alg": "RS256"}),
        ("enc-missing", "A JWE header without enc", {"enc": jws.DROP}),
        ("enc-unknown", "enc A128CTR (not a JWE enc)", {"enc": "A128CTR"}),
        ("enc-is-alg-name", "enc RSA-OAEP (an alg name)", {"enc": "RSA-OAEP"}),
        ("enc-null", "enc null", {"enc": None}),
        ("zip-def", "zip DEF (compressed content)", {"zip": "DEF"}),
    ]:
        jwe_case(f"unsupported-encryption-{case_id}", f"{description} fails with unsupported_encryption.",
                 "unsupported_encryption", header_extra=header_extra)
    jwe_case("unsupported-encryption-alg-not-allowed", "An alg outside --key-management-algorithms is refused.",
             "unsupported_encryption", algorithms=["RSA-OAEP", "ECDH-ES"])
    jwe_case("unsupported-encryption-enc-not-allowed", "An enc outside --content-encryption-algorithms is refused.",
             "unsupported_encryption", encryptions=["A128CBC-HS256"])
    jwe_case("unsupported-encryption-before-cty", "alg is checked before cty.", "unsupported_encryption",
             cty=None, header_extra={"alg": "RSA1_5"})


def family_wrong_type_and_crit() -> None:
    jwe_case("wrong-type-cty-missing", "A JWE without cty is not a nested JWT: wrong_type.", "wrong_type", cty=None)
    jwe_case("wrong-type-cty-json", "cty \"json\" is wrong_type.", "wrong_type", cty="json")
    jwe_case("wrong-type-cty-number", "cty 1 (a number) is wrong_type.", "wrong_type", cty=1)
    jwe_case("wrong-type-cty-with-parameter", "cty \"JWT; charset=utf-8\" is wrong_type.", "wrong_type",
             cty="JWT; charset=utf-8")
    jwe_case("wrong-type-before-crit", "cty is checked before crit.", "wrong_type", cty="txt",
             header_extra={"crit": ["exp"], "exp": 1})
    jwe_case("wrong-type-inner-typ", "The inner JWS's typ is still checked: \"JWT\" is wrong_type.", "wrong_type",
             plaintext=jws.mint(jws.header("RS256", typ="JWT"), jws.claims()))
    jwe_case("crit-unknown", "A JWE crit naming an unknown parameter fails.", "unsupported_critical_header",
             header_extra={"crit": ["exp"], "exp": 1})
    jwe_case("crit-not-array", "A JWE crit that is a string fails.", "unsupported_critical_header",
             header_extra={"crit": "exp"})
    jwe_case("crit-registered-name", "A JWE crit listing enc (defined by JWE) fails.", "unsupported_critical_header",
             header_extra={"crit": ["enc"]})
    jwe_case("crit-before-decryption", "crit is checked before decryption (no keys here).", "unsupported_critical_header",
             header_extra={"crit": []}, decryption_keys=[])


def flip(name: str, index: int = -1):
    def apply(parts):
        data = bytearray(parts[name])
        data[index] ^= 0x01
        parts[name] = bytes(data)
    return apply


def family_decryption_failed() -> None:
    jwe_case("decryption-failed-no-keys", "A JWE without any --decryption-keys fails with decryption_failed.",
             "decryption_failed", decryption_keys=[])
    jwe_case("decryption-failed-kid-names-none", "A JWE kid that names no decryption key fails.", "decryption_failed",
             kid="nobody")
    jwe_case("decryption-failed-kid-not-string", "A JWE kid that is a number names no key.", "decryption_failed",
             header_extra={"kid": 7})
    jwe_case("decryption-failed-kid-wrong-key", "The key with the JWE's kid is another RSA key: it does not decrypt.",
             "decryption_failed", decryption_keys=[key_file("rsa-enc-b", kid="rsa-enc")])
    jwe_case("decryption-failed-kid-only", "With a kid only that key is tried, not the right key under another kid.",
             "decryption_failed", kid="rsa-enc-b", decryption_keys=[key_file("rsa-enc-b", "rsa-enc")])
    jwe_case("decryption-failed-key-alg-differs", "A key whose JWK alg is RSA-OAEP never decrypts RSA-OAEP-256.",
             "decryption_failed", decryption_keys=[key_file("rsa-enc", alg="RSA-OAEP")])
    jwe_case("decryption-failed-wrong-key-type", "An EC key never decrypts RSA-OAEP.", "decryption_failed",
             kid=None, decryption_keys=[key_file("ec-p256-enc")])
    jwe_case("decryption-failed-wrong-key-size", "A 256-bit oct key never does A128KW.", "decryption_failed",
             alg="A128KW", kid=None, decryption_keys=[key_file("oct-256")])
    jwe_case("decryption-failed-weak-rsa-key-skipped", "A 1024-bit RSA key is skipped at load; the other key fails.",
             "decryption_failed", recipient="rsa-enc-1024", decryption_keys=[key_file("rsa-enc-1024", "rsa-enc")])
    jwe_case("decryption-failed-tag-modified", "A modified GCM tag fails.", "decryption_failed", tamper=flip("tag"))
    jwe_case("decryption-failed-tag-modified-cbc", "A modified A128CBC-HS256 tag fails.", "decryption_failed",
             enc="A128CBC-HS256", tamper=flip("tag", 0))
    jwe_case("decryption-failed-tag-truncated", "A GCM tag one byte short fails.", "decryption_failed",
             tamper=lambda parts: parts.update(tag=parts["tag"][:-1]))
    jwe_case("decryption-failed-tag-truncated-cbc", "An A256CBC-HS512 tag truncated to 16 bytes fails.",
             "decryption_failed", enc="A256CBC-HS512", tamper=lambda parts: parts.update(tag=parts["tag"][:16]))
    jwe_case("decryption-failed-tag-empty", "An empty tag part fails.", "decryption_failed",
             tamper=lambda parts: parts.update(tag=b""))
    jwe_case("decryption-failed-ciphertext-modified", "A modified ciphertext fails.", "decryption_failed",
             enc="A192CBC-HS384", tamper=flip("ciphertext", 3))
    jwe_case("decryption-failed-iv-modified", "A modified IV fails.", "decryption_failed", tamper=flip("iv", 0))
    jwe_case("decryption-failed-iv-short", "A 96-bit IV for A128CBC-HS256 (needs 128) fails.", "decryption_failed",
             enc="A128CBC-HS256", tamper=lambda parts: parts.update(iv=parts["iv"][:12]))
    jwe_case("decryption-failed-iv-long-gcm", "A 128-bit IV for A128GCM (needs 96) fails.", "decryption_failed",
             enc="A128GCM", tamper=lambda parts: parts.update(iv=parts["iv"] + b"\0\0\0\0"))
    jwe_case("decryption-failed-encrypted-key-modified", "A modified OAEP encrypted key fails.", "decryption_failed",
             tamper=flip("encrypted_key", 10))
    jwe_case("decryption-failed-encrypted-key-missing", "RSA-OAEP with an empty encrypted-key part fails.",
             "decryption_failed", tamper=lambda parts: parts.update(encrypted_key=b""))
    jwe_case("decryption-failed-kw-modified", "A modified A256KW wrapped key fails the integrity check.",
             "decryption_failed", alg="A256KW", tamper=flip("encrypted_key", 0))
    jwe_case("decryption-failed-dir-with-encrypted-key", "dir with a non-empty encrypted-key part fails.",
             "decryption_failed", alg="dir", enc="A256GCM", tamper=lambda parts: parts.update(encrypted_key=b"\1" * 32))
    jwe_case("decryption-failed-ecdh-es-with-encrypted-key", "ECDH-ES with a non-empty encrypted-key part fails.",
             "decryption_failed", alg="ECDH-ES", recipient="ec-p256-enc", tamper=lambda parts: parts.update(encrypted_key=b"\1" * 32))
    jwe_case("decryption-failed-gcmkw-tag-missing", "A128GCMKW without the tag header parameter fails.",
             "decryption_failed", alg="A128GCMKW", header_extra={"tag": jws.DROP})
    jwe_case("decryption-failed-gcmkw-iv-short", "A256GCMKW with an 8-byte iv header parameter fails.",
             "decryption_failed", alg="A256GCMKW", header_extra={"iv": b64u(b"12345678")})
    jwe_case("decryption-failed-cek-wrong-length", "RSA-OAEP carrying a 16-byte CEK for A256GCM (needs 32) fails.",
             "decryption_failed", cek=b"0123456789abcdef")
    jwe_case("decryption-failed-cbc-bad-padding",
             "A128CBC-HS256 whose tag verifies over a ciphertext with bad padding fails.", "decryption_failed",
             alg="dir", enc="A128CBC-HS256", tamper=bad_padding)
    jwe_case("decryption-failed-epk-missing", "ECDH-ES without epk fails.", "decryption_failed", alg="ECDH-ES",
             recipient="ec-p256-enc", header_extra={"epk": jws.DROP})
    jwe_case("decryption-failed-epk-off-curve", "An epk point that is not on P-256 (invalid-curve attack) fails.",
             "decryption_failed", alg="ECDH-ES+A128KW", recipient="ec-p256-enc", tamper=off_curve_epk)
    jwe_case("decryption-failed-epk-other-curve", "An epk on P-384 for the P-256 key: no key of that curve fits.",
             "decryption_failed", alg="ECDH-ES", enc="A128GCM", recipient="ec-p256-enc", tamper=epk_on_other_curve)
    jwe_case("decryption-failed-x25519-low-order", "An X25519 epk of order 1 (all-zero secret) is refused.",
             "decryption_failed", alg="ECDH-ES", recipient="x25519-enc",
             epk_override={"kty": "OKP", "crv": "X25519", "x": b64u(b"\0" * 32)})
    jwe_case("decryption-failed-apu-changed", "An apu changed after encryption changes the KDF output: fails.",
             "decryption_failed", alg="ECDH-ES", recipient="ec-p256-enc", apu=b"Alice", tamper=change_apu)


def bad_padding(parts) -> None:
    """Re-encrypts the content of a dir/A128CBC-HS256 JWE without valid PKCS #7 padding, with a good tag."""
    cek = parts["cek"]
    block = b"\x00" * 15 + b"\x11"  # the last byte claims 17 bytes of padding
    encryptor = Cipher(algorithms.AES(cek[16:]), modes.CBC(parts["iv"])).encryptor()
    parts["ciphertext"] = encryptor.update(block) + encryptor.finalize()
    parts["tag"] = cbc_tag("A128CBC-HS256", cek[:16], parts["protected"].encode(), parts["iv"], parts["ciphertext"])


def rewrite_header(parts, change) -> None:
    """Changes the protected header after encryption (the tag then no longer verifies, which is fine for
    cases that must fail before or at the key agreement)."""
    header = json.loads(jws.b64u_decode(parts["protected"]))
    change(header)
    parts["protected"] = b64u(jws.dumps(header))


def off_curve_epk(parts) -> None:
    def change(header):
        y = bytearray(jws.b64u_decode(header["epk"]["y"]))
        y[-1] ^= 0x01
        header["epk"]["y"] = b64u(bytes(y))
    rewrite_header(parts, change)


def epk_on_other_curve(parts) -> None:
    rewrite_header(parts, lambda header: header.update(epk=epk_jwk(ephemeral("P-384", Random("other-curve")))))


def change_apu(parts) -> None:
    rewrite_header(parts, lambda header: header.update(apu=b64u(b"Mallory")))


def family_inner_pipeline() -> None:
    """After decryption the inner JWS goes through the whole existing pipeline."""
    jwe_case("inner-unsupported-algorithm", "An inner JWS with alg none fails with unsupported_algorithm.",
             "unsupported_algorithm", plaintext=jws.part(jws.header("none")) + "." + jws.part(jws.claims()) + ".")
    jwe_case("inner-unknown-key", "An inner JWS whose kid names no verification key fails with unknown_key.",
             "unknown_key", plaintext=jws.mint(jws.header("RS256", kid="nobody"), jws.claims(), signer="rsa-2048"))
    jwe_case("inner-weak-key", "An inner JWS signed with a 1024-bit key fails with weak_key.", "weak_key",
             plaintext=jws.mint(jws.header("RS256", kid="rsa-1024"), jws.claims()), keys=jws.jwks("rsa-1024"))
    jwe_case("inner-bad-signature", "An inner JWS signed by another key fails with bad_signature.", "bad_signature",
             plaintext=jws.mint(jws.header("RS256"), jws.claims(), signer="rsa-2048-b"))
    jwe_case("inner-missing-claim", "An inner JWS without iss fails with missing_claim.", "missing_claim",
             plaintext=inner(iss=jws.DROP))
    jwe_case("inner-wrong-issuer", "An inner JWS from another issuer fails with wrong_issuer.", "wrong_issuer",
             plaintext=inner(iss="https://evil.example.com"))
    jwe_case("inner-wrong-audience", "An inner JWS for another audience fails with wrong_audience.", "wrong_audience",
             plaintext=inner(aud="https://other.example.com"))
    jwe_case("inner-not-yet-valid", "An inner JWS issued in the future fails with not_yet_valid.", "not_yet_valid",
             plaintext=inner(iat=jws.AT + 3600))
    jwe_case("inner-expired", "An inner JWS issued an hour ago fails with expired.", "expired",
             plaintext=inner(iat=jws.AT - 3600))
    jwe_case("inner-invalid-introspection", "An inner token_introspection without active fails.", "invalid_introspection",
             plaintext=inner(ti={"scope": "read"}))
    jwe_case("inner-jwks-unavailable", "The verification key set file is not a JWK Set: jwks_unavailable (exit 2).",
             "jwks_unavailable")
    CASES[-1].pop("jwks")
    CASES[-1]["jwks_text"] = "[]"


def family_decryption_keys_unavailable() -> None:
    for case_id, description, files in [
        ("not-json", "A decryption key file that is neither JSON nor PEM", [{"text": "not a key"}]),
        ("no-keys-member", "A decryption key file without a keys member", [{"text": "{\"kty\":\"RSA\"}"}]),
        ("keys-not-array", "A decryption key file whose keys is an object", [{"text": "{\"keys\":{}}"}]),
        ("public-keys-only", "A decryption key file with only public keys",
         [jwks_file(public_only(private_jwk("rsa-enc")), public_only(private_jwk("ec-p256-enc")))]),
        ("signature-keys-only", "A decryption key file with only use: sig keys", [key_file("rsa-enc", use="sig")]),
        ("key-ops-sign", "A decryption key file whose key_ops lack decrypt and unwrapKey", [key_file("rsa-enc", key_ops=["sign"])]),
        ("rsa1-5-only", "A decryption key file whose only key is bound to RSA1_5", [key_file("rsa-enc", alg="RSA1_5")]),
        ("empty-set", "A decryption key file with an empty keys array", [jwks_file()]),
        ("missing-file", "A decryption key file that does not exist", [{"missing": True}]),
        ("second-file-bad", "A second decryption key file that is not a key set (the first is good)",
         [key_file("rsa-enc"), {"text": "[]"}]),
        ("pem-public-key", "A PEM file holding a public key only", [{"pem": KEYS["rsa-enc"].public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()}]),
    ]:
        jwe_case(f"decryption-keys-unavailable-{case_id}", f"{description}: decryption_keys_unavailable, exit 2.",
                 "decryption_keys_unavailable", decryption_keys=files)


def write_cases() -> None:
    if CASE_DIR.exists():
        shutil.rmtree(CASE_DIR)
    CASE_DIR.mkdir(parents=True)
    for case in CASES:
        (CASE_DIR / f"{case['id']}.json").write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n")


def main() -> int:
    jws.load_or_create_keys()
    load_or_create_keys()
    family_every_pair()
    family_valid_variants()
    family_encryption_required()
    family_malformed()
    family_unsupported_encryption()
    family_wrong_type_and_crit()
    family_decryption_failed()
    family_inner_pipeline()
    family_decryption_keys_unavailable()
    write_cases()
    counts: dict[str, int] = {}
    for case in CASES:
        key = "valid" if case["expected"]["valid"] else case["expected"]["error"]
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(CASES)} cases to {CASE_DIR.relative_to(ROOT)}")
    for key in ["valid"] + ERROR_CODES:
        print(f"  {key:30} {counts.get(key, 0)}")
    missing = [code for code in ERROR_CODES if code not in counts]
    assert not missing, f"no case for {missing}"
    return 0


if __name__ == "__main__":
    sys.exit(main())
