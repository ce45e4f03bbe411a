#!/usr/bin/env python3
"""Generate test vectors for verifiers of RFC 9701 JWT introspection responses.

Outputs (relative to the package root):

  TestVectors/introspection/keys/<name>.pem   private TEST-ONLY keys (PKCS#8 PEM); created only if missing
  TestVectors/introspection/cases/<id>.json   one case per file (format: TestVectors/README.md)
  Examples/jwks.json, Examples/*.jwt          example data for the command line tool

Run from anywhere:  python3 Scripts/generate-vectors.py

Only the Python standard library and `cryptography` are used. All JOSE encoding (base64url, JSON
serialisation, ECDSA raw R||S, RSASSA-PSS encoding) is written out in this file, independent of any
JOSE library and of the Swift implementation.

Re-running is reproducible: the keys are reused, RSASSA-PKCS1-v1_5 and Ed25519 are deterministic,
ECDSA uses RFC 6979 deterministic nonces and RSASSA-PSS uses a salt derived from the message, so
the same keys give byte-identical outputs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, x25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

ROOT = Path(__file__).resolve().parent.parent
VECTOR_DIR = ROOT / "TestVectors" / "introspection"
KEY_DIR = VECTOR_DIR / "keys"
CASE_DIR = VECTOR_DIR / "cases"
EXAMPLES_DIR = ROOT / "Examples"

ISSUER = "https://as.example.com"
AUDIENCE = "https://rs.example.com"
AT = 1763740800  # 2025-11-21T16:00:00Z, the default verification time
TYP = "token-introspection+jwt"
DEFAULT_MAX_AGE = 300
DEFAULT_SKEW = 60
MAX_TOKEN_BYTES = 65536

ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

# The key each algorithm is signed with unless a case says otherwise (also the header's kid).
DEFAULT_KID = {
    "RS256": "rsa-2048", "RS384": "rsa-2048", "RS512": "rsa-2048",
    "PS256": "rsa-2048", "PS384": "rsa-2048", "PS512": "rsa-2048",
    "ES256": "ec-p256", "ES384": "ec-p384", "ES512": "ec-p521",
    "EdDSA": "ed25519",
}

# Marker: drop this member from a header / claims / introspection object.
DROP = object()
# Marker: argument not given (None is a legitimate JSON null value here).
UNSET = object()
# Marker: the case is expected to verify; the expected members are read back from the token.
VALID = "valid"


# ---------------------------------------------------------------------------------------------
# Encoding helpers
# ---------------------------------------------------------------------------------------------

B64URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def b64u(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64u_decode(text: str) -> bytes:
    """Lenient decoder for reading back our own (well-formed) output."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def uint_b64(n: int) -> str:
    """base64urlUInt (RFC 7518 §2): big-endian, minimal length (no leading zero octet)."""
    return b64u(n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big"))


def dumps(obj) -> bytes:
    """Compact JSON, UTF-8, non-ASCII written raw. Member order is the dict's insertion order."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def part(x) -> str:
    """Encode a header/payload given either as a dict (serialised compactly) or as raw JSON bytes."""
    if isinstance(x, (bytes, bytearray)):
        return b64u(bytes(x))
    if isinstance(x, str):
        return b64u(x.encode("utf-8"))
    return b64u(dumps(x))


def noncanonical(text: str) -> str:
    """Flip the lowest bit of the last base64url character: same bytes under a lenient decoder, but
    the unused trailing bits are no longer zero, so a strict decoder must refuse it."""
    assert len(text) % 4 in (2, 3), "needs a partial final group"
    last = B64URL_ALPHABET.index(text[-1])
    assert last & 1 == 0
    return text[:-1] + B64URL_ALPHABET[last | 1]


def nest(k: int) -> str:
    """JSON text of k nested containers (alternating array/object) around the scalar 0."""
    s = "0"
    for i in range(k):
        s = f"[{s}]" if i % 2 == 0 else f'{{"n":{s}}}'
    return s


# ---------------------------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------------------------

CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}

# name -> what to generate if the PEM is missing. The name doubles as the kid in most JWKs.
KEY_SPECS = {
    "rsa-2048": ("rsa", 2048),
    "rsa-2048-b": ("rsa", 2048),  # a second 2048-bit key: "another key with the same kid", attacker key
    "rsa-3072": ("rsa", 3072),
    "rsa-1024": ("rsa", 1024),  # weak
    "ec-p256": ("ec", "P-256"),
    "ec-p256-b": ("ec", "P-256"),
    "ec-p384": ("ec", "P-384"),
    "ec-p521": ("ec", "P-521"),
    "ed25519": ("ed25519", None),
    "ed25519-b": ("ed25519", None),
    "x25519": ("x25519", None),  # key agreement key: never fits EdDSA
}

KEYS: dict = {}

# A symmetric secret for the oct JWK and HS* tokens (test-only, fixed).
OCT_SECRET = hashlib.sha256(b"swift-introspection-jwt test-only HMAC secret").digest()


def load_or_create_keys() -> None:
    KEY_DIR.mkdir(parents=True, exist_ok=True)
    for name, (kind, param) in KEY_SPECS.items():
        path = KEY_DIR / f"{name}.pem"
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        else:
            if kind == "rsa":
                key = rsa.generate_private_key(public_exponent=65537, key_size=param)
            elif kind == "ec":
                key = ec.generate_private_key(CURVES[param]())
            elif kind == "ed25519":
                key = ed25519.Ed25519PrivateKey.generate()
            else:
                key = x25519.X25519PrivateKey.generate()
            path.write_bytes(key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
            print(f"generated {path.relative_to(ROOT)}")
        # Make sure a hand-edited key file still matches its name.
        if kind == "rsa":
            assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == param, name
        elif kind == "ec":
            assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == CURVES[param].name, name
        elif kind == "ed25519":
            assert isinstance(key, ed25519.Ed25519PrivateKey), name
        else:
            assert isinstance(key, x25519.X25519PrivateKey), name
        KEYS[name] = key


def jwk(name: str, *, kid=None, with_kid: bool = True, **extra) -> dict:
    """Public JWK for key `name`. kid defaults to the key's name; extra members (alg, use, key_ops)
    are added after kid. RSA n/e are minimal base64urlUInt; EC x/y are full-length coordinates
    (RFC 7518 §6.2.1.2)."""
    pub = KEYS[name].public_key()
    head: dict = {}
    if isinstance(pub, rsa.RSAPublicKey):
        head["kty"] = "RSA"
        nums = pub.public_numbers()
        material = {"n": uint_b64(nums.n), "e": uint_b64(nums.e)}
    elif isinstance(pub, ec.EllipticCurvePublicKey):
        head["kty"] = "EC"
        size = (pub.curve.key_size + 7) // 8
        nums = pub.public_numbers()
        crv = {v.name: k for k, v in CURVES.items()}[pub.curve.name]
        material = {"crv": crv, "x": b64u(nums.x.to_bytes(size, "big")), "y": b64u(nums.y.to_bytes(size, "big"))}
    else:
        head["kty"] = "OKP"
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        crv = "Ed25519" if isinstance(pub, ed25519.Ed25519PublicKey) else "X25519"
        material = {"crv": crv, "x": b64u(raw)}
    if with_kid:
        head["kid"] = name if kid is None else kid
    head.update(extra)
    head.update(material)
    return head


def oct_jwk(kid: str = "hmac-1") -> dict:
    return {"kty": "oct", "kid": kid, "k": b64u(OCT_SECRET)}


STANDARD_SET = ["rsa-2048", "rsa-3072", "ec-p256", "ec-p384", "ec-p521", "ed25519"]


def jwks(*names: str) -> dict:
    """A JWKS of public keys (default: the standard set, one key per kind)."""
    return {"keys": [jwk(n) for n in (names or STANDARD_SET)]}


# ---------------------------------------------------------------------------------------------
# Signing
# ---------------------------------------------------------------------------------------------

HASHES = {"256": (hashes.SHA256, "sha256"), "384": (hashes.SHA384, "sha384"), "512": (hashes.SHA512, "sha512")}


def _mgf1(seed: bytes, length: int, hname: str) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.new(hname, seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def pss_sign(key: rsa.RSAPrivateKey, alg: str, message: bytes) -> bytes:
    """RSASSA-PSS (RFC 8017 §8.1) with MGF1(same hash), salt length = hash length (RFC 7518 §3.5).
    The salt is derived from the message so the output is reproducible; verifiers cannot tell."""
    hcls, hname = HASHES[alg[2:]]
    h_len = hashlib.new(hname).digest_size
    nums = key.private_numbers()
    n, d = nums.public_numbers.n, nums.d
    mod_bits = n.bit_length()
    em_bits = mod_bits - 1
    em_len = (em_bits + 7) // 8
    m_hash = hashlib.new(hname, message).digest()
    salt = hashlib.new(hname, b"deterministic PSS salt for test vectors" + message).digest()
    h = hashlib.new(hname, b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - len(salt) - h_len - 2) + b"\x01" + salt
    masked = bytes(a ^ b for a, b in zip(db, _mgf1(h, em_len - h_len - 1, hname)))
    masked = bytes([masked[0] & (0xFF >> (8 * em_len - em_bits))]) + masked[1:]
    em = masked + h + b"\xbc"
    sig = pow(int.from_bytes(em, "big"), d, n).to_bytes((mod_bits + 7) // 8, "big")
    # Cross-check with the library's verifier.
    key.public_key().verify(sig, message, padding.PSS(mgf=padding.MGF1(hcls()), salt_length=h_len), hcls())
    return sig


def ecdsa_raw(key: ec.EllipticCurvePrivateKey, alg: str, message: bytes) -> bytes:
    """ECDSA with RFC 6979 nonces, converted from DER to the JWS form R || S (RFC 7518 §3.4)."""
    hcls, _ = HASHES[alg[2:]]
    der = key.sign(message, ec.ECDSA(hcls(), deterministic_signing=True))
    r, s = decode_dss_signature(der)
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign(alg: str, signer, message: bytes) -> bytes:
    """Sign `message` (the JWS signing input) with `alg` and the key named `signer`
    (for HS*, `signer` is the secret itself as bytes)."""
    if alg.startswith("HS"):
        return hmac.new(signer, message, HASHES[alg[2:]][1]).digest()
    key = KEYS[signer]
    if alg.startswith("RS"):
        return key.sign(message, padding.PKCS1v15(), HASHES[alg[2:]][0]())
    if alg.startswith("PS"):
        return pss_sign(key, alg, message)
    if alg.startswith("ES"):
        assert key.curve.name == CURVES[{"256": "P-256", "384": "P-384", "512": "P-521"}[alg[2:]]].name
        return ecdsa_raw(key, alg, message)
    if alg == "EdDSA":
        return key.sign(message)
    raise ValueError(alg)


def sign_parts(h_part: str, p_part: str, signer, alg: str) -> str:
    """Compact JWS over the given (possibly deliberately odd) encoded parts."""
    return f"{h_part}.{p_part}.{b64u(sign(alg, signer, f'{h_part}.{p_part}'.encode('ascii')))}"


def mint(hdr, payload, signer="default", alg=None) -> str:
    """Compact JWS. `hdr`/`payload` are dicts or raw JSON bytes. The signing alg defaults to the
    header's alg and the signer to the header's kid (or the alg's default key). signer=None gives
    an empty signature."""
    if alg is None:
        alg = hdr["alg"]
    if signer == "default":
        kid = hdr.get("kid") if isinstance(hdr, dict) else None
        signer = kid if kid in KEYS else DEFAULT_KID[alg]
    h_part, p_part = part(hdr), part(payload)
    if signer is None:
        return f"{h_part}.{p_part}."
    return sign_parts(h_part, p_part, signer, alg)


def split(token: str) -> tuple[str, str, str]:
    h, p, s = token.split(".")
    return h, p, s


def with_signature(token: str, sig: bytes) -> str:
    h, p, _ = split(token)
    return f"{h}.{p}.{b64u(sig)}"


def sig_of(token: str) -> bytes:
    return b64u_decode(split(token)[2])


# ---------------------------------------------------------------------------------------------
# Headers and claims
# ---------------------------------------------------------------------------------------------

HEADER_ORDERS = [("typ", "alg", "kid"), ("alg", "kid", "typ"), ("kid", "typ", "alg")]
CLAIM_ORDERS = [
    ("iss", "aud", "iat", "token_introspection"),
    ("token_introspection", "iat", "aud", "iss"),
    ("iat", "iss", "token_introspection", "aud"),
    ("aud", "token_introspection", "iss", "iat"),
]

_jti_counter = 0


def next_jti() -> str:
    """Deterministic, distinct jti values."""
    global _jti_counter
    _jti_counter += 1
    return hashlib.sha256(f"jti-{_jti_counter}".encode()).hexdigest()[:22]


def apply(d: dict, changes: dict) -> dict:
    """Override/append members (in order), DROP removes."""
    for k, v in changes.items():
        if v is DROP:
            d.pop(k, None)
        else:
            d[k] = v
    return d


def header(alg, kid="default", typ=TYP, order=HEADER_ORDERS[0], **extra) -> dict:
    """JOSE header. kid=DROP / typ=DROP omit them; extra members are appended."""
    if kid == "default":
        kid = DEFAULT_KID.get(alg, "rsa-2048") if isinstance(alg, str) else "rsa-2048"
    values = {"typ": typ, "alg": alg, "kid": kid}
    h = {k: values[k] for k in order if values[k] is not DROP}
    return apply(h, extra)


def introspection(at: float = AT, **changes) -> dict:
    """A realistic active RFC 7662 response describing an access token issued two minutes ago."""
    d = {
        "active": True,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "Z5O3upPC88QrAjx00dis",
        "client_id": "s6BhdRkqt3",
        "scope": "read write dolphin",
        "token_type": "Bearer",
        "exp": int(at) + 3480,
        "iat": int(at) - 120,
        "jti": next_jti(),
    }
    return apply(d, changes)


def claims(at: float = AT, *, iat=UNSET, ti=UNSET, order=CLAIM_ORDERS[0], **changes) -> dict:
    """The response claims. iat defaults to `at` and ti to a realistic active response (pass None
    for a JSON null, DROP to omit); changes override, append or DROP members."""
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": at if iat is UNSET else iat,
        "token_introspection": introspection(at) if ti is UNSET else ti,
    }
    return apply({k: values[k] for k in order if values[k] is not DROP}, changes)


def std_token(alg="RS256", at=AT, **claim_changes) -> str:
    """A good token with the default header for `alg`, claims modified by claim_changes."""
    return mint(header(alg), claims(at, **claim_changes))


# ---------------------------------------------------------------------------------------------
# Case registry
# ---------------------------------------------------------------------------------------------

CASES: list[dict] = []
ERROR_CODES = [
    "malformed", "unsupported_algorithm", "wrong_type", "unsupported_critical_header", "unknown_key",
    "weak_key", "bad_signature", "missing_claim", "wrong_issuer", "wrong_audience", "not_yet_valid",
    "expired", "invalid_introspection", "jwks_unavailable",
]


def add(case_id: str, description: str, token: str, expected: str, *, keys=None, jwks_text=None,
        issuer=ISSUER, audiences=(AUDIENCE,), at=AT, max_age=None, clock_skew=None, algorithms=None) -> None:
    """Register a case. expected is VALID or an error code; for VALID the alg, kid and
    token_introspection are read back from the token itself."""
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case_id), case_id
    assert all(c["id"] != case_id for c in CASES), f"duplicate id {case_id}"
    assert description.endswith(".") and "\n" not in description, case_id
    case: dict = {"id": case_id, "description": description, "token": token}
    if jwks_text is not None:
        case["jwks_text"] = jwks_text
    else:
        case["jwks"] = jwks() if keys is None else keys
    case["issuer"] = issuer
    case["audiences"] = list(audiences)
    case["at"] = at
    if max_age is not None:
        case["max_age"] = max_age
    if clock_skew is not None:
        case["clock_skew"] = clock_skew
    if algorithms is not None:
        case["algorithms"] = list(algorithms)
    if expected == VALID:
        h, p, _ = split(token)
        hdr = json.loads(b64u_decode(h))
        payload = json.loads(b64u_decode(p))
        case["expected"] = {
            "valid": True,
            "alg": hdr["alg"],
            "kid": hdr.get("kid"),
            "token_introspection": payload["token_introspection"],
        }
        case["exit_code"] = 0
    else:
        assert expected in ERROR_CODES, expected
        case["expected"] = {"valid": False, "error": expected}
        case["exit_code"] = 2 if expected == "jwks_unavailable" else 1
    CASES.append(case)


# ---------------------------------------------------------------------------------------------
# Case families: valid responses
# ---------------------------------------------------------------------------------------------

def family_valid_algorithms() -> None:
    """One basic valid case per algorithm, with varied member order and verification time."""
    key_text = {"rsa-2048": "2048-bit RSA", "ec-p256": "P-256", "ec-p384": "P-384", "ec-p521": "P-521",
                "ed25519": "Ed25519"}
    for i, alg in enumerate(ALGS):
        at = AT + i * 86400
        token = mint(header(alg, order=HEADER_ORDERS[i % 3]), claims(at, order=CLAIM_ORDERS[i % 4]))
        add(f"{alg.lower()}-valid-basic",
            f"A well-formed {alg} response signed with the {key_text[DEFAULT_KID[alg]]} key verifies and "
            f"reports its token_introspection.", token, VALID, at=at)

    add("rs256-valid-rsa-3072", "RS256 with a 3072-bit RSA key verifies.",
        mint(header("RS256", kid="rsa-3072"), claims()), VALID)
    add("ps512-valid-rsa-3072", "PS512 with a 3072-bit RSA key verifies.",
        mint(header("PS512", kid="rsa-3072", order=HEADER_ORDERS[1]), claims(order=CLAIM_ORDERS[2])), VALID)
    add("es256-valid-no-kid", "ES256 without kid verifies with the only P-256 key of the set.",
        mint(header("ES256", kid=DROP), claims()), VALID)
    add("eddsa-valid-no-kid", "EdDSA without kid verifies with the only Ed25519 key of the set.",
        mint(header("EdDSA", kid=DROP, order=HEADER_ORDERS[1]), claims(order=CLAIM_ORDERS[3])), VALID)
    add("es256-valid-algorithms-restricted", "An ES256 response verifies when the caller allows only ES256 and EdDSA.",
        mint(header("ES256"), claims()), VALID, algorithms=["ES256", "EdDSA"])


def family_valid_response_shapes() -> None:
    """Valid responses exercising the typ variants, inactive responses and claim contents."""
    for cid, typ, desc in [
        ("valid-typ-application-prefix", "application/token-introspection+jwt",
         "The typ with the application/ prefix is accepted."),
        ("valid-typ-uppercase", "TOKEN-INTROSPECTION+JWT", "The typ is compared ASCII case-insensitively (upper case)."),
        ("valid-typ-mixed-case-application", "Application/Token-Introspection+JWT",
         "The typ with application/ prefix is compared ASCII case-insensitively."),
    ]:
        add(cid, desc, mint(header("RS256", typ=typ), claims()), VALID)

    add("valid-inactive-minimal", "An inactive response {\"active\": false} is authentic and valid.",
        mint(header("RS256"), claims(ti={"active": False})), VALID)
    add("valid-inactive-with-extra-members",
        "An inactive response carrying extra members is still reported as authentic.",
        mint(header("ES256"), claims(ti={"active": False, "iss": ISSUER, "note": "revoked", "ext": {"k": [1, 2]}})),
        VALID)
    add("valid-inner-exp-in-past",
        "The inner token_introspection exp describes the introspected token and is not checked against the time.",
        std_token(ti=introspection(exp=AT - 86400, iat=AT - 90000)), VALID)
    add("valid-inner-iss-aud-differ",
        "The inner iss and aud describe the introspected token and are not checked against issuer/audience.",
        std_token(ti=introspection(iss="https://other-as.example.org", aud=["https://api.example.net", "x"])), VALID)
    add("valid-top-level-sub", "A top-level sub member is allowed.",
        std_token(sub="resource-server-1"), VALID)
    add("valid-top-level-exp-future", "A top-level exp in the future is allowed.",
        std_token(exp=AT + 300), VALID)
    add("valid-top-level-nbf-past", "A top-level nbf in the past is allowed.",
        std_token(nbf=AT - 10), VALID)
    add("valid-top-level-jti-and-extension", "Extra top-level members (jti, custom) are ignored.",
        std_token("ES384", jti="resp-0001", **{"https://as.example.com/ext": {"trace": [1, "a", None, True]}}), VALID)
    add("valid-aud-array-contains-expected", "An aud array that contains the expected audience among others passes.",
        std_token(aud=["https://other.example.com", AUDIENCE, "urn:example:rs"]), VALID)
    add("valid-multiple-audiences-second-matches",
        "With several --audience values, a match on the second one passes.",
        std_token(aud="https://api.example.com"), VALID, audiences=[AUDIENCE, "https://api.example.com"])
    add("valid-multiple-audiences-aud-array",
        "An aud array and several expected audiences intersect in one value.",
        std_token("PS256", aud=["urn:example:none", "urn:example:rs2"]), VALID,
        audiences=["urn:example:rs1", "urn:example:rs2"])
    add("valid-inner-aud-array", "The inner aud may be an array of strings.",
        std_token(ti=introspection(aud=[AUDIENCE, "https://api.example.com"])), VALID)
    add("valid-inner-fractional-times", "Inner exp/iat/nbf may be non-integer numbers.",
        std_token("EdDSA", ti=introspection(exp=AT + 3480.5, iat=AT - 119.25, nbf=AT - 120)), VALID)
    add("valid-introspection-extension-members",
        "Non-standard token_introspection members of any type (nested objects, arrays, null) are kept.",
        std_token("ES512", ti=introspection(acr="urn:mace:incommon:iap:silver", cnf={"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"},
                                            authorization_details=[{"type": "payment", "amount": 12.5}], ext=None)),
        VALID)
    add("valid-inactive-active-not-first",
        "An inactive response with members before active is valid (member order does not matter).",
        mint(header("PS384"), claims(ti={"scope": "read", "active": False})), VALID)

    # Unicode: raw UTF-8 and an escaped surrogate pair (a valid pair is fine).
    p = dumps(claims(ti=introspection(username="Zoë Ünïcødé 🐬", ext="PLACEHOLDER")))
    p = p.replace(b'"PLACEHOLDER"', b'"\\ud83d\\udc2c \\u00e9\\u4e2d"')
    add("valid-unicode-strings",
        "Raw UTF-8 text and escaped surrogate pairs in strings are valid.", mint(header("RS256"), p), VALID)

    # Escapes that decode to the expected values: "\/" in iss/aud, "\u002b" in typ, "\u0061ctive".
    p = (b'{"iss":"https:\\/\\/as.example.com","aud":"https:\\/\\/rs.example.com","iat":' + str(AT).encode()
         + b',"token_introspection":{"\\u0061ctive":true,"scope":"read\\twrite","client_id":"s6BhdRkqt3"}}')
    h = b'{"typ":"token-introspection\\u002bjwt","alg":"RS256","kid":"rsa-2048"}'
    add("valid-json-escapes",
        "Members are compared after JSON unescaping (\\/ in iss and aud, \\u002b in typ, \\u0061 in a name).",
        mint(h, p, "rsa-2048", "RS256"), VALID)

    # Whitespace inside the JSON texts.
    h = b'{\n  "typ": "token-introspection+jwt",\n  "alg": "ES256",\n  "kid": "ec-p256"\n}'
    add("valid-header-pretty-printed", "A header with newlines and indentation is valid JSON and accepted.",
        mint(h, claims(), "ec-p256", "ES256"), VALID)
    h = b'{"alg" : "RS384" ,\t"kid":"rsa-2048" ,\r\n "typ" :"token-introspection+jwt" }'
    add("valid-header-spaces-and-tabs", "Insignificant JSON whitespace (space, tab, CR LF) inside the header is accepted.",
        mint(h, claims(), "rsa-2048", "RS384"), VALID)
    p = json.dumps(claims(order=CLAIM_ORDERS[1]), indent=2, ensure_ascii=False).encode()
    add("valid-payload-pretty-printed", "A pretty-printed payload is accepted.",
        mint(header("PS256"), p), VALID)

    # Number syntax.
    p = dumps(claims(iat=123)).replace(b'"iat":123', b'"iat":1.7637408e9')
    add("valid-iat-exponent-notation", "A top-level iat written in exponent notation (1.7637408e9) is a number.",
        mint(header("RS256"), p), VALID)

    # Depth: 32 nested containers is the limit (outer payload 1, token_introspection 2, 30 more).
    ti = introspection()
    ti["ext"] = json.loads(nest(30))
    add("valid-nesting-depth-32", "A payload nested exactly 32 containers deep is accepted.",
        std_token(ti=ti), VALID)

    # Size: exactly 65536 bytes is still fine.
    add("valid-token-65536-bytes", "A token of exactly 65536 bytes is accepted.", sized_token(MAX_TOKEN_BYTES), VALID)


def sized_token(total: int) -> str:
    """An RS256 token of exactly `total` characters, padded with an extension member."""
    ti = introspection()
    for hpad in ["", "a", "ab", "abc"]:
        hdr = header("RS256", x=hpad) if hpad else header("RS256")
        h_len = len(part(hdr))
        for n in range(max(0, (total * 3) // 4 - 800), (total * 3) // 4 + 10):
            ti["padding"] = "p" * n
            p_len = len(part(claims(ti=ti)))
            if h_len + p_len + 342 + 2 == total:  # an RS256 signature over 2048 bits is 342 characters
                token = mint(hdr, claims(ti=ti))
                assert len(token) == total
                return token
    raise AssertionError(f"cannot size a token to {total}")


def family_valid_keys() -> None:
    """Valid responses exercising key selection in the JWKS."""
    add("valid-jwks-key-without-kid-token-without-kid",
        "A JWKS key without kid and a token without kid: the key fits by kty and verifies.",
        mint(header("RS256", kid=DROP), claims()), VALID, keys={"keys": [jwk("rsa-2048", with_kid=False)]})
    add("valid-no-kid-second-fitting-key-verifies",
        "Without kid, several RSA keys fit and the one that verifies is used.",
        mint(header("RS512", kid=DROP), claims(), "rsa-2048"), VALID,
        keys={"keys": [jwk("rsa-2048-b"), jwk("rsa-3072"), jwk("rsa-2048"), jwk("ec-p256")]})
    add("valid-duplicate-kid-second-verifies",
        "Two keys share the kid; the first does not verify, the second does.",
        mint(header("RS256"), claims()), VALID,
        keys={"keys": [jwk("rsa-2048-b", kid="rsa-2048"), jwk("rsa-2048")]})
    add("valid-duplicate-kid-ec-second-verifies",
        "Two P-256 keys share the kid; the second one verifies.",
        mint(header("ES256", kid="signing"), claims(), "ec-p256"), VALID,
        keys={"keys": [jwk("ec-p256-b", kid="signing"), jwk("ec-p256", kid="signing")]})
    add("valid-jwk-alg-use-key-ops",
        "A JWK with matching alg, use \"sig\" and key_ops [\"verify\"] is used.",
        mint(header("RS256"), claims()), VALID,
        keys={"keys": [jwk("rsa-2048", alg="RS256", use="sig", key_ops=["verify"])]})
    add("valid-jwk-alg-eddsa", "An Ed25519 JWK with alg EdDSA verifies an EdDSA token.",
        mint(header("EdDSA"), claims()), VALID, keys={"keys": [jwk("ed25519", alg="EdDSA", use="sig")]})
    add("valid-jwk-key-ops-several", "key_ops containing verify among other operations fits.",
        mint(header("ES384"), claims()), VALID, keys={"keys": [jwk("ec-p384", key_ops=["sign", "verify"])]})
    add("valid-jwks-with-unusable-keys",
        "Unusable keys (oct, use enc, unknown kty) in the set are skipped and the good key verifies.",
        mint(header("RS256"), claims()), VALID,
        keys={"keys": [oct_jwk(), jwk("rsa-2048-b", kid="rsa-2048", use="enc"),
                       {"kty": "foo", "kid": "rsa-2048", "bar": "baz"}, jwk("rsa-2048")]})
    add("valid-no-kid-weak-key-skipped",
        "Without kid, a weak 1024-bit key that fits is skipped and the strong key verifies.",
        mint(header("RS256", kid=DROP), claims(), "rsa-2048"), VALID,
        keys={"keys": [jwk("rsa-1024"), jwk("rsa-2048")]})
    # Minimal base64urlUInt: a 2048-bit modulus is exactly 256 octets (no 0x00 sign octet).
    k = jwk("rsa-2048", kid="rsa-minimal")
    assert len(b64u_decode(k["n"])) == 256 and b64u_decode(k["n"])[0] >= 0x80 and k["e"] == "AQAB"
    add("valid-rsa-modulus-minimal-encoding",
        "An RSA JWK whose n is minimally encoded (256 octets, high bit set, no leading zero) verifies.",
        mint(header("PS256", kid="rsa-minimal"), claims(), "rsa-2048"), VALID, keys={"keys": [k]})


def family_valid_headers() -> None:
    """Header members that must be ignored."""
    attacker = jwk("rsa-2048-b", with_kid=False)
    add("valid-jwk-header-ignored",
        "An embedded jwk header (attacker key) is ignored; the token is signed by the real key and verifies.",
        mint(header("RS256", jwk=attacker), claims(), "rsa-2048"), VALID)
    add("valid-jku-x5u-x5c-headers-ignored", "jku, x5u and x5c header members are ignored.",
        mint(header("ES256", jku="https://attacker.example/jwks.json", x5u="https://attacker.example/cert.pem",
                    x5c=[base64.b64encode(b"not a certificate").decode()]), claims()), VALID)
    add("valid-unknown-header-members", "Unknown non-critical header members are ignored.",
        mint(header("PS256", order=HEADER_ORDERS[2], foo="bar", nested={"a": [1, 2, {"b": None}]}, n=1.5),
             claims()), VALID)


def family_valid_time_boundaries() -> None:
    """Time comparisons at their exact boundaries."""
    add("valid-iat-at-future-skew-boundary", "iat exactly at + clock_skew is not yet too early (strictly greater fails).",
        std_token(iat=AT + DEFAULT_SKEW), VALID)
    add("valid-iat-at-max-age-boundary", "iat exactly at - max_age - clock_skew is not yet expired.",
        std_token(iat=AT - DEFAULT_MAX_AGE - DEFAULT_SKEW), VALID)
    add("valid-exp-one-second-after-skew-boundary", "A top-level exp of at - clock_skew + 1 is still valid.",
        std_token(exp=AT - DEFAULT_SKEW + 1), VALID)
    add("valid-exp-fractional-after-boundary", "A top-level exp of at - clock_skew + 0.5 is still valid.",
        std_token("ES256", exp=AT - DEFAULT_SKEW + 0.5), VALID)
    add("valid-nbf-at-skew-boundary", "A top-level nbf exactly at + clock_skew is valid.",
        std_token(nbf=AT + DEFAULT_SKEW), VALID)
    add("valid-fractional-iat", "A non-integer iat is a valid time.",
        std_token("EdDSA", iat=AT - 0.5), VALID)
    add("valid-custom-max-age", "A larger --max-age accepts an older response.",
        std_token(iat=AT - 3000), VALID, max_age=3600)
    add("valid-clock-skew-zero", "With --clock-skew 0, iat equal to at is valid.",
        std_token(iat=AT), VALID, clock_skew=0)
    add("valid-clock-skew-zero-max-age-boundary", "With --clock-skew 0, iat exactly at - max_age is valid.",
        std_token("ES384", iat=AT - 120), VALID, max_age=120, clock_skew=0)
    at2 = 1700000000
    add("valid-other-verification-time", "A response issued at another time verifies at that time.",
        std_token("RS256", at=at2, iat=at2 - 30), VALID, at=at2)


# ---------------------------------------------------------------------------------------------
# Case families: errors, in the order the verifier checks them
# ---------------------------------------------------------------------------------------------

def payload_with_len_mod3(residue: int) -> bytes:
    """Compact claims whose byte length is ≡ residue (mod 3) (tunes the base64url tail)."""
    for n in range(3):
        ti = introspection()
        ti["jti"] = ti["jti"] + "x" * n
        data = dumps(claims(ti=ti))
        if len(data) % 3 == residue:
            return data
    raise AssertionError


def header_with_len_mod3(residue: int, alg="RS256") -> bytes:
    for n in range(3):
        data = dumps(header(alg, x="y" * n))
        if len(data) % 3 == residue:
            return data
    raise AssertionError


def family_malformed() -> None:
    good = mint(header("RS256"), claims())
    h, p, s = split(good)
    hb, pb = part(header("RS256")), part(claims())

    # --- structure
    add("malformed-single-part", "A token with one part (no dots) is malformed.", p, "malformed")
    add("malformed-two-parts", "A token with two parts is malformed.", f"{h}.{p}", "malformed")
    add("malformed-four-parts", "A token with four parts is malformed.", f"{h}.{p}.{p}.{s}", "malformed")
    add("malformed-trailing-dot", "A signed token followed by an extra dot has four parts and is malformed.",
        good + ".", "malformed")
    # Five-part (encrypted) responses are decrypted since issue 13: their cases are made by
    # Scripts/generate-jwe-vectors.py (TestVectors/introspection-jwe).
    add("malformed-empty-parts", "The token \"..\" has three empty parts; an empty header is not JSON.",
        "..", "malformed")

    # --- base64url
    hp = header_with_len_mod3(1)
    h_part = part(hp)
    assert len(h_part) % 4 == 2
    add("malformed-header-padding", "base64 padding (==) in the header part is malformed.",
        sign_parts(h_part + "==", p, "rsa-2048", "RS256"), "malformed")
    pp = payload_with_len_mod3(2)
    p_part = part(pp)
    assert len(p_part) % 4 == 3
    add("malformed-payload-padding", "base64 padding (=) in the payload part is malformed.",
        sign_parts(h, p_part + "=", "rsa-2048", "RS256"), "malformed")
    assert len(s) % 4 == 2
    add("malformed-signature-padding", "base64 padding (==) in the signature part is malformed.",
        f"{h}.{p}.{s}==", "malformed")
    assert "-" in s or "_" in s
    add("malformed-signature-standard-alphabet",
        "A signature in the standard base64 alphabet (+ and / instead of - and _) is malformed.",
        f"{h}.{p}.{s.replace('-', '+').replace('_', '/')}", "malformed")
    mid = len(p) // 2
    add("malformed-payload-space", "A space inside the payload part is malformed.",
        sign_parts(h, p[:mid] + " " + p[mid:], "rsa-2048", "RS256"), "malformed")
    add("malformed-header-tab", "A tab inside the header part is malformed.",
        sign_parts(h[:10] + "\t" + h[10:], p, "rsa-2048", "RS256"), "malformed")
    add("malformed-payload-invalid-character", "A character outside the base64url alphabet (*) is malformed.",
        sign_parts(h, p[:mid] + "*" + p[mid + 1:], "rsa-2048", "RS256"), "malformed")
    pp0 = payload_with_len_mod3(0)
    p0 = part(pp0)
    assert len(p0) % 4 == 0
    add("malformed-payload-length-mod4-1", "A payload part whose length is 1 modulo 4 is malformed.",
        sign_parts(h, p0 + "A", "rsa-2048", "RS256"), "malformed")
    hp2 = header_with_len_mod3(2)
    h2 = part(hp2)
    assert len(h2) % 4 == 3
    add("malformed-header-noncanonical-trailing-bits",
        "A header part whose last character (2-byte remainder) has non-zero unused bits is malformed.",
        sign_parts(noncanonical(h2), p, "rsa-2048", "RS256"), "malformed")
    pp1 = payload_with_len_mod3(1)
    p1 = part(pp1)
    assert len(p1) % 4 == 2
    add("malformed-payload-noncanonical-trailing-bits",
        "A payload part whose last character (1-byte remainder) has non-zero unused bits is malformed.",
        sign_parts(h, noncanonical(p1), "rsa-2048", "RS256"), "malformed")
    add("malformed-signature-noncanonical-trailing-bits",
        "A signature part with non-zero unused trailing bits is malformed even though the bytes would verify.",
        f"{h}.{p}.{noncanonical(s)}", "malformed")

    # --- not a JSON object
    def m(cid, desc, hdr, payload, signer="rsa-2048", alg="RS256"):
        add(cid, desc, mint(hdr, payload, signer, alg), "malformed")

    hdr = header("RS256")
    m("malformed-header-not-json", "A header that is not JSON is malformed.", b"RS256 token-introspection+jwt", claims())
    m("malformed-header-array", "A header that is a JSON array is malformed.", b'["token-introspection+jwt","RS256"]',
      claims())
    m("malformed-header-string", "A header that is a JSON string is malformed.", b'"RS256"', claims())
    m("malformed-payload-number", "A payload that is a JSON number is malformed.", hdr, b"1763740800")
    m("malformed-payload-array", "A payload that is a JSON array is malformed.", hdr, b"[" + dumps(claims()) + b"]")
    m("malformed-payload-truncated-json", "A payload with truncated JSON is malformed.", hdr, dumps(claims())[:-1])
    m("malformed-payload-trailing-garbage", "A JSON object followed by other text is malformed.", hdr,
      dumps(claims()) + b"x")
    m("malformed-payload-two-objects", "Two concatenated JSON objects are malformed.", hdr,
      dumps(claims()) + b"{}")
    m("malformed-payload-trailing-comma", "A trailing comma in the payload object is malformed.", hdr,
      dumps(claims())[:-1] + b",}")
    m("malformed-payload-utf8-bom", "A payload starting with a UTF-8 BOM is malformed.", hdr,
      b"\xef\xbb\xbf" + dumps(claims()))
    m("malformed-header-utf8-bom", "A header starting with a UTF-8 BOM is malformed.",
      b"\xef\xbb\xbf" + dumps(hdr), claims())
    m("malformed-payload-nan", "NaN is not JSON.", hdr,
      dumps(claims(iat=0)).replace(b'"iat":0', b'"iat":NaN'))
    m("malformed-payload-leading-zero-number", "A number with a leading zero is not JSON.", hdr,
      dumps(claims(iat=0)).replace(b'"iat":0', b'"iat":01763740800'))
    m("malformed-payload-raw-control-character", "A raw newline inside a JSON string is not JSON.", hdr,
      dumps(claims(ti=introspection(scope="read\nwrite"))).replace(b"\\n", b"\n"))
    m("malformed-payload-single-quotes", "Single-quoted strings are not JSON.", hdr,
      dumps(claims(ti={"active": True})).replace(b'"active"', b"'active'"))

    # --- duplicate member names (any depth, compared after unescaping)
    m("malformed-duplicate-header-alg", "A header with alg twice (same value) is malformed.",
      b'{"typ":"token-introspection+jwt","alg":"RS256","kid":"rsa-2048","alg":"RS256"}', claims())
    m("malformed-duplicate-header-kid", "A header with kid twice (different values) is malformed.",
      b'{"typ":"token-introspection+jwt","kid":"rsa-2048-b","alg":"RS256","kid":"rsa-2048"}', claims())
    base = dumps(claims(iss="ISS-PLACEHOLDER"))
    m("malformed-duplicate-payload-iss", "A payload with iss twice is malformed.", hdr,
      base.replace(b'"iss":"ISS-PLACEHOLDER"', b'"iss":"https://evil.example","iss":"' + ISSUER.encode() + b'"'))
    tip = dumps(claims(ti={"active": "X"}))
    m("malformed-duplicate-introspection-active",
      "active twice inside token_introspection (false then true) is malformed.", hdr,
      tip.replace(b'"active":"X"', b'"active":false,"scope":"read","active":true'))
    m("malformed-duplicate-escaped-name",
      "\"active\" and \"\\u0061ctive\" name the same member and are duplicates.", hdr,
      tip.replace(b'"active":"X"', b'"active":true,"\\u0061ctive":false'))
    ti = introspection(ext="DEEP")
    m("malformed-duplicate-deep", "Duplicate names deep inside an extension member are malformed.", hdr,
      dumps(claims(ti=ti)).replace(b'"ext":"DEEP"', b'"ext":[{"a":{"b":1,"c":[{"d":1,"d":2}]}}]'))
    m("malformed-duplicate-payload-token-introspection", "token_introspection twice is malformed.", hdr,
      dumps(claims(ti={"active": False})).replace(
          b'"token_introspection":{"active":false}',
          b'"token_introspection":{"active":false},"token_introspection":{"active":true}'))

    # --- UTF-8 and Unicode
    m("malformed-payload-invalid-utf8", "A 0xFF byte inside a payload string is invalid UTF-8.", hdr,
      dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"a\xffb"'))
    m("malformed-payload-overlong-utf8", "An overlong UTF-8 encoding (C0 AF for /) is invalid.", hdr,
      dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"a\xc0\xafb"'))
    m("malformed-payload-utf8-encoded-surrogate", "UTF-8 bytes ED A0 80 (an encoded surrogate) are invalid.", hdr,
      dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"a\xed\xa0\x80b"'))
    m("malformed-header-invalid-utf8", "Invalid UTF-8 in a header string is malformed.",
      b'{"typ":"token-introspection+jwt","alg":"RS256","kid":"rsa-2048","x":"\xfe"}', claims())
    m("malformed-payload-lone-high-surrogate", "A lone high surrogate escape \\ud800 is malformed.", hdr,
      dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"a\\ud800b"'))
    m("malformed-payload-lone-low-surrogate", "A lone low surrogate escape \\udc00 at the end of a string is malformed.",
      hdr, dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"ab\\udc00"'))
    m("malformed-payload-reversed-surrogates", "A low surrogate followed by a high surrogate is malformed.", hdr,
      dumps(claims(ti=introspection(username="ab"))).replace(b'"ab"', b'"\\udc2c\\ud83d"'))

    # --- limits
    add("malformed-token-65537-bytes", "A token of 65537 bytes (one over the limit) is malformed.",
        sized_token(MAX_TOKEN_BYTES + 1), "malformed")
    ti = introspection()
    ti["ext"] = json.loads(nest(31))
    add("malformed-payload-nesting-depth-33", "A payload nested 33 containers deep is malformed.",
        mint(hdr, claims(ti=ti)), "malformed")
    add("malformed-header-nesting-depth-33", "A header nested 33 containers deep is malformed.",
        mint(header("RS256", x=json.loads(nest(32))), claims()), "malformed")

    # --- top-level time claims must be numbers
    for cid, member, value, desc in [
        ("malformed-iat-string", "iat", str(AT), "A top-level iat that is a string is malformed."),
        ("malformed-iat-null", "iat", None, "A top-level iat that is null is malformed."),
        ("malformed-iat-bool", "iat", True, "A top-level iat that is a boolean is malformed."),
        ("malformed-exp-string", "exp", str(AT + 600), "A top-level exp that is a string is malformed."),
        ("malformed-exp-null", "exp", None, "A top-level exp that is null is malformed."),
        ("malformed-nbf-bool", "nbf", False, "A top-level nbf that is a boolean is malformed."),
        ("malformed-nbf-array", "nbf", [AT], "A top-level nbf that is an array is malformed."),
    ]:
        add(cid, desc, std_token(**{member: value}), "malformed")

    # --- ordering: structure before everything else
    add("malformed-alg-none-and-iat-string",
        "alg none together with a string iat is malformed: structural checks run before the alg check.",
        mint(header("none", kid=DROP), claims(iat=str(AT)), None), "malformed")
    add("malformed-duplicate-and-unknown-kid",
        "A duplicate member wins over an unknown kid and a bad signature.",
        mint(b'{"typ":"token-introspection+jwt","alg":"RS256","kid":"nope","typ":"JWT"}', claims(), None, "RS256"),
        "malformed")


def family_unsupported_algorithm() -> None:
    def u(cid, desc, token, **kw):
        add(cid, desc, token, "unsupported_algorithm", **kw)

    c = claims()
    u("alg-none-empty-signature", "alg none with an empty signature is refused.",
      mint(header("none", kid=DROP), c, None))
    u("alg-none-with-signature", "alg none with an RS256 signature appended is refused.",
      mint(header("none"), c, "rsa-2048", "RS256"))
    u("alg-none-uppercase", "alg NONE is not a supported algorithm.", mint(header("NONE", kid=DROP), c, None))
    u("alg-missing", "A header without alg is refused.", mint(header(DROP), c, "rsa-2048", "RS256"))
    u("alg-number", "An alg that is a number is refused.", mint(header(256), c, "rsa-2048", "RS256"))
    u("alg-null", "An alg that is null is refused.", mint(header(None), c, "rsa-2048", "RS256"))
    pem = KEYS["rsa-2048"].public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)
    u("alg-hs256-key-confusion", "HS256 keyed with the RSA public key (key confusion) is refused.",
      mint(header("HS256"), c, pem, "HS256"))
    u("alg-hs384", "HS384 is refused even with an oct key in the set.",
      mint(header("HS384", kid="hmac-1"), c, OCT_SECRET, "HS384"), keys={"keys": [oct_jwk(), jwk("rsa-2048")]})
    u("alg-hs512", "HS512 is refused.", mint(header("HS512", kid=DROP), c, OCT_SECRET, "HS512"),
      keys={"keys": [oct_jwk(), jwk("rsa-2048")]})
    u("alg-lowercase-rs256", "alg names are case-sensitive: rs256 is unknown.",
      mint(header("rs256"), c, "rsa-2048", "RS256"))
    u("alg-with-trailing-space", "\"RS256 \" (trailing space) is unknown.", mint(header("RS256 "), c, "rsa-2048", "RS256"))
    u("alg-unknown-es256k", "ES256K is not supported.", mint(header("ES256K", kid="ec-p256"), c, "ec-p256", "ES256"))
    u("alg-unknown-ed25519", "The fully-specified name Ed25519 is not one of the supported algorithms (EdDSA is).",
      mint(header("Ed25519", kid="ed25519"), c, "ed25519", "EdDSA"))
    u("alg-rs256-not-allowed", "RS256 is refused when the caller allows only ES256 and ES384.",
      mint(header("RS256"), c), algorithms=["ES256", "ES384"])
    u("alg-eddsa-not-allowed", "EdDSA is refused when the caller allows only RS256.",
      mint(header("EdDSA"), c), algorithms=["RS256"])
    u("alg-none-and-wrong-typ", "alg none with typ JWT: the alg check comes before the typ check.",
      mint(header("none", kid=DROP, typ="JWT"), c, None))


def family_wrong_type() -> None:
    c = claims()
    for cid, typ, desc in [
        ("typ-missing", DROP, "A header without typ is refused."),
        ("typ-jwt", "JWT", "typ JWT is refused (explicit typing required, RFC 9701)."),
        ("typ-at-jwt", "at+jwt", "typ at+jwt (an access token) is refused."),
        ("typ-with-charset-parameter", "token-introspection+jwt; charset=utf-8", "A typ with a media type parameter is refused."),
        ("typ-leading-space", " token-introspection+jwt", "A typ with a leading space is refused."),
        ("typ-trailing-space", "token-introspection+jwt ", "A typ with a trailing space is refused."),
        ("typ-application-jwt", "application/jwt", "typ application/jwt is refused."),
        ("typ-number", 1, "A typ that is a number is refused."),
        ("typ-null", None, "A typ that is null is refused."),
        ("typ-array", [TYP], "A typ that is an array is refused."),
        ("typ-other-prefix", "text/token-introspection+jwt", "A typ with a prefix other than application/ is refused."),
        ("typ-non-ascii-long-s", "token-intro\u017fpection+jwt",
         "Only ASCII case is ignored: U+017F (long s, which Unicode upper-cases to S) is not an s."),
    ]:
        add(cid, desc, mint(header("RS256", typ=typ), c), "wrong_type")
    add("typ-wrong-and-crit", "A wrong typ is reported before crit.",
        mint(header("ES256", typ="JWT", crit=["exp"], exp=AT), c), "wrong_type")


def family_crit() -> None:
    c = claims()
    for cid, extra, desc in [
        ("crit-exp", {"crit": ["exp"], "exp": AT + 600}, "crit [\"exp\"] is refused: the tool implements no extension."),
        ("crit-b64-false", {"crit": ["b64"], "b64": False}, "crit [\"b64\"] with b64 false (RFC 7797) is refused."),
        ("crit-empty-array", {"crit": []}, "An empty crit array is refused."),
        ("crit-string", {"crit": "exp", "exp": AT}, "A crit that is a string is refused."),
        ("crit-number", {"crit": 1}, "A crit that is a number is refused."),
        ("crit-array-with-number", {"crit": [1]}, "A crit array with a non-string is refused."),
        ("crit-null", {"crit": None}, "A crit that is null is refused."),
    ]:
        add(cid, desc, mint(header("RS256", **extra), c), "unsupported_critical_header")
    add("crit-and-unknown-kid", "crit is reported before an unknown kid.",
        mint(header("EdDSA", kid="no-such-key", crit=["foo"], foo=1), c, "ed25519"), "unsupported_critical_header")


def family_unknown_key() -> None:
    c = claims()

    def k(cid, desc, token, keys=None, **kw):
        add(cid, desc, token, "unknown_key", keys=keys, **kw)

    k("kid-not-in-jwks", "A kid that no key of the set has is unknown.", mint(header("RS256", kid="rsa-9999"), c, "rsa-2048"))
    k("kid-case-mismatch", "kid matching is case-sensitive.", mint(header("RS256", kid="RSA-2048"), c, "rsa-2048"))
    k("kid-trailing-space", "kid matching is exact: a trailing space does not match.",
      mint(header("ES256", kid="ec-p256 "), c, "ec-p256"))
    k("kid-number", "A kid that is a number never matches a key.",
      mint(header("RS256", kid=2048), c, "rsa-2048"), keys={"keys": [jwk("rsa-2048", kid="2048")]})
    k("kid-given-jwk-without-kid", "A token with kid does not match a JWK that has no kid.",
      mint(header("RS256"), c), keys={"keys": [jwk("rsa-2048", with_kid=False)]})
    k("no-kid-no-fitting-key", "Without kid and with no key that fits ES512, the key is unknown.",
      mint(header("ES512", kid=DROP), c), keys=jwks("rsa-2048", "ec-p256", "ec-p384"))
    k("jwks-empty-keys", "An empty keys array is a valid but empty set: no key fits.",
      mint(header("RS256"), c), keys={"keys": []})
    k("kid-rsa-key-for-es256", "The kid names an RSA key but the token is ES256 (kty does not fit).",
      mint(header("ES256", kid="rsa-2048"), c, "ec-p256"))
    k("kid-p384-key-for-es256", "The kid names a P-384 key but the token is ES256 (crv does not fit).",
      mint(header("ES256", kid="ec-p384"), c, "ec-p256"))
    k("kid-p256-key-for-es512", "The kid names a P-256 key but the token is ES512.",
      mint(header("ES512", kid="ec-p256"), c, "ec-p521"))
    k("kid-ec-key-for-eddsa", "The kid names a P-256 key but the token is EdDSA.",
      mint(header("EdDSA", kid="ec-p256"), c, "ed25519"))
    k("kid-x25519-key-for-eddsa", "An OKP key with crv X25519 does not fit EdDSA.",
      mint(header("EdDSA", kid="x25519"), c, "ed25519"), keys=jwks("x25519", "rsa-2048"))
    k("kid-ed25519-key-for-rs256", "The kid names an Ed25519 key but the token is RS256.",
      mint(header("RS256", kid="ed25519"), c, "rsa-2048"))
    k("jwk-alg-rs256-token-ps256", "A JWK restricted to alg RS256 does not fit a PS256 token.",
      mint(header("PS256"), c), keys={"keys": [jwk("rsa-2048", alg="RS256")]})
    k("jwk-alg-ps256-token-rs256", "A JWK restricted to alg PS256 does not fit an RS256 token.",
      mint(header("RS256"), c), keys={"keys": [jwk("rsa-2048", alg="PS256")]})
    k("jwk-alg-es384-token-es256", "A P-256 JWK that declares alg ES384 does not fit ES256.",
      mint(header("ES256"), c), keys={"keys": [jwk("ec-p256", alg="ES384")]})
    k("jwk-use-enc", "A JWK with use enc does not fit a signature.",
      mint(header("RS256"), c), keys={"keys": [jwk("rsa-2048", use="enc")]})
    k("jwk-key-ops-without-verify", "A JWK whose key_ops lacks verify does not fit.",
      mint(header("RS256"), c), keys={"keys": [jwk("rsa-2048", key_ops=["sign", "encrypt"])]})
    k("jwk-key-ops-empty", "A JWK with empty key_ops does not fit.",
      mint(header("ES256"), c), keys={"keys": [jwk("ec-p256", key_ops=[])]})
    k("kid-names-oct-key", "The kid names an oct (symmetric) key, which is never used.",
      mint(header("RS256", kid="hmac-1"), c, "rsa-2048"), keys={"keys": [oct_jwk(), jwk("rsa-2048")]})
    k("no-kid-only-unusable-keys", "Without kid, the only RSA key is use enc; oct and unknown kty keys never fit.",
      mint(header("RS256", kid=DROP), c, "rsa-2048"),
      keys={"keys": [oct_jwk(), jwk("rsa-2048", use="enc"), {"kty": "foo", "kid": "x"}, jwk("ec-p256")]})
    k("unknown-key-and-wrong-issuer", "An unknown kid is reported before claim problems.",
      mint(header("RS256", kid="gone"), claims(iss="https://evil.example")), None)


def family_weak_key() -> None:
    c = claims()
    small = jwks("rsa-1024", "rsa-2048", "ec-p256")
    add("rs256-weak-key-1024", "A correctly signed RS256 token whose kid names a 1024-bit RSA key is refused.",
        mint(header("RS256", kid="rsa-1024"), c), "weak_key", keys=small)
    add("ps256-weak-key-1024", "A correctly signed PS256 token with a 1024-bit RSA key is refused.",
        mint(header("PS256", kid="rsa-1024"), c), "weak_key", keys=small)
    add("rs512-weak-key-1024", "A correctly signed RS512 token with a 1024-bit RSA key is refused.",
        mint(header("RS512", kid="rsa-1024", order=HEADER_ORDERS[1]), c), "weak_key", keys=small)
    add("weak-key-no-kid-only-weak-fits", "Without kid, when every fitting key is weak the result is weak_key.",
        mint(header("RS256", kid=DROP), c, "rsa-1024"), "weak_key", keys=jwks("rsa-1024", "ec-p256", "ed25519"))
    add("weak-key-before-signature", "A weak key is reported even when the signature would not verify.",
        mint(header("RS256", kid="rsa-1024"), c, "rsa-2048"), "weak_key", keys=small)


def family_bad_signature() -> None:
    c = claims()

    def b(cid, desc, token, **kw):
        add(cid, desc, token, "bad_signature", **kw)

    good = mint(header("RS256"), c)
    h, p, s = split(good)
    tampered = claims(ti=dict(c["token_introspection"], scope="read write dolphin admin"))
    b("rs256-tampered-payload", "A payload changed after signing does not verify.", f"{h}.{part(tampered)}.{s}")
    b("rs256-tampered-header", "A header changed after signing (extra member) does not verify.",
      f"{part(header('RS256', x5u='https://as.example.com/x'))}.{p}.{s}")
    b("rs256-payload-reencoded", "The same claims re-serialised with different whitespace are different signed bytes.",
      f"{h}.{part(json.dumps(c, indent=1).encode())}.{s}")
    b("rs256-other-key-same-kid", "A signature from another RSA key carrying the real key's kid does not verify.",
      mint(header("RS256"), c, "rsa-2048-b"))
    b("rs256-empty-signature", "An empty signature (header.payload.) does not verify.", f"{h}.{p}.")
    sig = bytearray(sig_of(good))
    sig[100] ^= 0x01
    b("rs256-signature-bit-flipped", "A signature with one bit flipped does not verify.", with_signature(good, bytes(sig)))
    b("rs256-signature-truncated", "An RS256 signature missing its last byte does not verify.",
      with_signature(good, sig_of(good)[:-1]))
    b("rs256-signature-leading-zero-prepended", "An RS256 signature one byte longer than the modulus does not verify.",
      with_signature(good, b"\x00" + sig_of(good)))
    b("rs256-signature-is-ps256", "An RS256 header over a PS256 signature does not verify.",
      mint(header("RS256"), c, "rsa-2048", "PS256"))
    b("ps256-signature-is-rs256", "A PS256 header over an RS256 signature does not verify.",
      mint(header("PS256"), c, "rsa-2048", "RS256"))
    b("ps256-signature-is-ps384", "A PS256 header over a PS384 signature does not verify.",
      mint(header("PS256"), c, "rsa-2048", "PS384"))
    b("rs384-signature-is-rs256", "An RS384 header over an RS256 signature does not verify.",
      mint(header("RS384"), c, "rsa-2048", "RS256"))

    es = mint(header("ES256"), c)
    raw = sig_of(es)
    r, s_ = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    b("es256-der-signature", "An ES256 signature in DER form instead of R||S does not verify.",
      with_signature(es, encode_dss_signature(r, s_)))
    b("es256-signature-63-bytes", "A 63-byte ES256 signature (R||S truncated) does not verify.",
      with_signature(es, raw[:-1]))
    b("es256-signature-65-bytes", "A 65-byte ES256 signature (R||S extended by a zero) does not verify.",
      with_signature(es, raw + b"\x00"))
    b("es256-signature-r-only", "A 32-byte ES256 signature (R only) does not verify.", with_signature(es, raw[:32]))
    b("es256-signature-r-zero", "An ES256 signature with r = 0 does not verify.",
      with_signature(es, b"\x00" * 32 + raw[32:]))
    b("es256-signature-s-zero", "An ES256 signature with s = 0 does not verify.",
      with_signature(es, raw[:32] + b"\x00" * 32))
    n256 = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    b("es256-signature-r-equals-order", "An ES256 signature with r equal to the group order does not verify.",
      with_signature(es, n256.to_bytes(32, "big") + raw[32:]))
    b("es256-signature-r-s-swapped", "An ES256 signature S||R does not verify.", with_signature(es, raw[32:] + raw[:32]))
    b("es256-other-key-same-kid", "An ES256 signature by another P-256 key with the real kid does not verify.",
      mint(header("ES256"), c, "ec-p256-b"))
    es384 = mint(header("ES384"), c)
    b("es384-tampered-payload", "An ES384 token with a changed payload does not verify.",
      f"{split(es384)[0]}.{part(tampered)}.{split(es384)[2]}")
    es512 = mint(header("ES512"), c)
    raw512 = sig_of(es512)
    assert len(raw512) == 132
    b("es512-signature-130-bytes", "An ES512 signature with 65-byte halves (not 66+66) does not verify.",
      with_signature(es512, raw512[1:66] + raw512[67:]))
    ed = mint(header("EdDSA"), c)
    b("eddsa-tampered-payload", "An EdDSA token with a changed payload does not verify.",
      f"{split(ed)[0]}.{part(tampered)}.{split(ed)[2]}")
    b("eddsa-other-key-same-kid", "An EdDSA signature by another Ed25519 key with the real kid does not verify.",
      mint(header("EdDSA"), c, "ed25519-b"))
    b("no-kid-several-fitting-none-verify", "Without kid, the fitting RSA keys all fail to verify.",
      mint(header("RS256", kid=DROP), c, "rsa-2048-b"))
    attacker = jwk("rsa-2048-b", with_kid=False)
    b("jwk-header-attacker-key-real-kid",
      "Signed by an attacker key embedded as jwk header with the real kid: the real key does not verify it.",
      mint(header("RS256", jwk=attacker), c, "rsa-2048-b"))
    b("jwk-header-attacker-key-no-kid",
      "Signed by an attacker key embedded as jwk header without kid: the fitting real keys do not verify it.",
      mint(header("RS256", kid=DROP, jwk=attacker), c, "rsa-2048-b"))
    b("no-kid-signed-by-weak-key-strong-fits",
      "Without kid, the weak key is skipped and the strong key does not verify a token signed by the weak one.",
      mint(header("RS256", kid=DROP), c, "rsa-1024"), keys={"keys": [jwk("rsa-1024"), jwk("rsa-2048")]})
    b("bad-signature-before-wrong-issuer", "A bad signature is reported before a wrong issuer.",
      mint(header("RS256"), claims(iss="https://evil.example"), "rsa-2048-b"))
    b("bad-signature-before-expired", "A bad signature is reported before an expired iat.",
      mint(header("ES256"), claims(iat=AT - 86400), "ec-p256-b"))


def family_missing_claim() -> None:
    for cid, member, alg in [("missing-iss", "iss", "RS256"), ("missing-aud", "aud", "ES256"),
                             ("missing-iat", "iat", "EdDSA"),
                             ("missing-token-introspection", "token_introspection", "PS256")]:
        add(cid, f"A response without {member} is refused.", std_token(alg, **{member: DROP}), "missing_claim")
    add("missing-all-claims", "An empty payload object lacks every required claim.",
        mint(header("RS256"), {}), "missing_claim")
    add("missing-iat-with-exp", "A top-level exp does not replace the missing iat.",
        std_token(iat=DROP, exp=AT + 300), "missing_claim")
    add("missing-iat-and-wrong-issuer", "A missing claim is reported before a wrong issuer.",
        std_token(iss="https://evil.example", iat=DROP), "missing_claim")


def family_wrong_issuer() -> None:
    for cid, iss, desc in [
        ("iss-trailing-slash", ISSUER + "/", "An iss with a trailing slash is a different issuer."),
        ("iss-different-case", "https://AS.example.com", "Issuer comparison is case-sensitive."),
        ("iss-http-scheme", "http://as.example.com", "http instead of https is a different issuer."),
        ("iss-unicode-lookalike", "https://as.ex\u0430mple.com", "A Cyrillic look-alike letter is a different issuer."),
        ("iss-default-port", "https://as.example.com:443", "An explicit default port is a different issuer."),
        ("iss-null", None, "An iss that is null is wrong."),
        ("iss-number", 42, "An iss that is a number is wrong."),
        ("iss-array", [ISSUER], "An iss that is an array is wrong."),
        ("iss-empty-string", "", "An empty iss is wrong."),
    ]:
        add(cid, desc, std_token(iss=iss), "wrong_issuer")
    add("iss-wrong-and-wrong-audience", "A wrong issuer is reported before a wrong audience.",
        std_token("ES256", iss="https://evil.example", aud="https://evil.example"), "wrong_issuer")
    add("iss-wrong-and-expired", "A wrong issuer is reported before an expired iat.",
        std_token("EdDSA", iss=ISSUER + "/", iat=AT - 3600), "wrong_issuer")


def family_wrong_audience() -> None:
    for cid, aud, desc in [
        ("aud-different", "https://other.example.com", "An aud naming another resource server is wrong."),
        ("aud-trailing-slash", AUDIENCE + "/", "An aud with a trailing slash does not match."),
        ("aud-different-case", "https://RS.example.com", "Audience comparison is case-sensitive."),
        ("aud-number", 1, "An aud that is a number is wrong."),
        ("aud-null", None, "An aud that is null is wrong."),
        ("aud-object", {"aud": AUDIENCE}, "An aud that is an object is wrong."),
        ("aud-empty-array", [], "An empty aud array is wrong."),
        ("aud-array-non-string-only", [42], "An aud array with only a non-string is wrong."),
        ("aud-array-expected-and-non-string", [AUDIENCE, 42],
         "An aud array containing a non-string is wrong even when it also has the expected audience."),
        ("aud-array-others-only", ["https://a.example.com", "https://b.example.com"],
         "An aud array without the expected audience is wrong."),
    ]:
        add(cid, desc, std_token(aud=aud), "wrong_audience")
    add("aud-none-of-several-expected", "With several --audience values, none matching is wrong.",
        std_token("ES256", aud=["urn:example:x"]), "wrong_audience", audiences=[AUDIENCE, "urn:example:y"])
    add("aud-wrong-and-not-yet-valid", "A wrong audience is reported before a future iat.",
        std_token(aud="https://other.example.com", iat=AT + 3600), "wrong_audience")


def family_not_yet_valid() -> None:
    add("iat-one-second-beyond-skew", "iat = at + clock_skew + 1 is not yet valid.",
        std_token(iat=AT + DEFAULT_SKEW + 1), "not_yet_valid")
    add("iat-fractional-beyond-skew", "iat = at + clock_skew + 0.25 is not yet valid.",
        std_token("ES256", iat=AT + DEFAULT_SKEW + 0.25), "not_yet_valid")
    add("iat-far-future", "An iat a day ahead is not yet valid.", std_token("EdDSA", iat=AT + 86400), "not_yet_valid")
    add("iat-future-clock-skew-zero", "With --clock-skew 0, iat = at + 1 is not yet valid.",
        std_token(iat=AT + 1), "not_yet_valid", clock_skew=0)
    add("nbf-one-second-beyond-skew", "A top-level nbf = at + clock_skew + 1 is not yet valid.",
        std_token("PS256", nbf=AT + DEFAULT_SKEW + 1), "not_yet_valid")
    add("not-yet-valid-before-expired", "A future iat with a past exp: not_yet_valid is checked first.",
        std_token(iat=AT + 600, exp=AT - 600), "not_yet_valid")
    add("nbf-future-and-invalid-introspection", "A future nbf is reported before an invalid token_introspection.",
        std_token("ES384", nbf=AT + 3600, ti=[]), "not_yet_valid")


def family_expired() -> None:
    limit = AT - DEFAULT_MAX_AGE - DEFAULT_SKEW
    add("iat-one-second-too-old", "iat = at - max_age - clock_skew - 1 is expired.", std_token(iat=limit - 1), "expired")
    add("iat-fractional-too-old", "iat = at - max_age - clock_skew - 0.5 is expired.",
        std_token("ES256", iat=limit - 0.5), "expired")
    add("exp-equals-at-minus-skew", "A top-level exp equal to at - clock_skew is expired.",
        std_token(exp=AT - DEFAULT_SKEW), "expired")
    add("exp-in-past", "A top-level exp an hour in the past is expired.", std_token("EdDSA", exp=AT - 3600), "expired")
    add("iat-older-than-custom-max-age", "With --max-age 60, iat = at - 121 is expired.",
        std_token(iat=AT - 121), "expired", max_age=60)
    add("exp-equals-at-clock-skew-zero", "With --clock-skew 0, exp = at is expired.",
        std_token("PS384", exp=AT), "expired", clock_skew=0)
    add("iat-too-old-clock-skew-zero", "With --clock-skew 0, iat = at - max_age - 1 is expired.",
        std_token(iat=AT - DEFAULT_MAX_AGE - 1), "expired", clock_skew=0)
    add("expired-before-invalid-introspection", "An expired iat is reported before an invalid token_introspection.",
        std_token(iat=AT - 3600, ti={"active": "yes"}), "expired")


def family_invalid_introspection() -> None:
    def i(cid, desc, ti, alg="RS256"):
        add(cid, desc, std_token(alg, ti=ti), "invalid_introspection")

    i("introspection-array", "A token_introspection that is an array is invalid.", [{"active": True}])
    i("introspection-string", "A token_introspection that is a string is invalid.", '{"active":true}')
    i("introspection-null", "A token_introspection that is null is invalid.", None)
    i("introspection-number", "A token_introspection that is a number is invalid.", 1, "ES256")
    i("introspection-active-missing", "A token_introspection without active is invalid.",
      introspection(active=DROP))
    i("introspection-active-string", "active \"true\" (a string) is invalid.", introspection(active="true"))
    i("introspection-active-number", "active 1 (a number) is invalid.", introspection(active=1), "EdDSA")
    i("introspection-active-null", "active null is invalid.", introspection(active=None))
    for member, value, alg in [("scope", 5, "RS256"), ("client_id", ["s6BhdRkqt3"], "PS256"),
                               ("username", False, "ES384"), ("token_type", None, "RS256"),
                               ("sub", 1234, "ES512"), ("iss", {"x": 1}, "RS256"), ("jti", 7, "RS384")]:
        i(f"introspection-{member.replace('_', '-')}-not-string", f"An inner {member} that is not a string is invalid.",
          introspection(**{member: value}), alg)
    for member, value in [("exp", str(AT + 3600)), ("iat", None), ("nbf", True)]:
        i(f"introspection-{member}-not-number", f"An inner {member} that is not a number is invalid.",
          introspection(**{member: value}))
    i("introspection-aud-number", "An inner aud that is a number is invalid.", introspection(aud=3))
    i("introspection-aud-array-with-number", "An inner aud array containing a number is invalid.",
      introspection(aud=[AUDIENCE, 3]))


def family_jwks_unavailable() -> None:
    token = mint(header("RS256"), claims())
    for cid, text, desc in [
        ("jwks-not-json", "this is not a JWKS\n", "A key set file that is not JSON is unavailable."),
        ("jwks-without-keys", '{"kty":"RSA","kid":"rsa-2048"}\n', "A JSON object without keys is not a JWKS."),
        ("jwks-keys-not-array", '{"keys":{"kid":"rsa-2048"}}\n', "A JWKS whose keys is not an array is unavailable."),
        ("jwks-top-level-array", json.dumps([jwk("rsa-2048")]) + "\n", "A top-level array of JWKs is not a JWKS."),
    ]:
        add(cid, desc, token, "jwks_unavailable", jwks_text=text)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def write_cases() -> None:
    CASE_DIR.mkdir(parents=True, exist_ok=True)
    for old in CASE_DIR.glob("*.json"):
        old.unlink()
    for case in CASES:
        text = json.dumps(case, indent=2, ensure_ascii=False) + "\n"
        (CASE_DIR / f"{case['id']}.json").write_text(text, encoding="utf-8")


EXAMPLE_AT = 1763740800


def write_examples() -> None:
    """Examples/ for the README walkthrough: an RS256 response, an inactive one and a tampered one.
    The keys are the rsa-2048 and ec-p256 test keys under the kids the project README shows."""
    EXAMPLES_DIR.mkdir(parents=True, exist_ok=True)
    keyset = {"keys": [jwk("rsa-2048", kid="example-rs256", use="sig", alg="RS256"),
                       jwk("ec-p256", kid="example-es256", use="sig", alg="ES256")]}
    (EXAMPLES_DIR / "jwks.json").write_text(json.dumps(keyset, indent=2) + "\n")
    ti = {
        "active": True,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "Z5O3upPC88QrAjx00dis",
        "client_id": "s6BhdRkqt3",
        "scope": "read write dolphin",
        "token_type": "Bearer",
        "exp": EXAMPLE_AT + 3480,
        "iat": EXAMPLE_AT - 120,
        "jti": "2f4c6a1e-8d3b-4e7f-9a5c-1b2d3e4f5a6b",
    }
    hdr = header("RS256", kid="example-rs256")
    response = mint(hdr, claims(EXAMPLE_AT, ti=ti), "rsa-2048")
    inactive = mint(hdr, claims(EXAMPLE_AT, ti={"active": False}), "rsa-2048")
    h, _, s = split(response)
    forged = claims(EXAMPLE_AT, ti=dict(ti, scope="read write dolphin admin"))
    tampered = f"{h}.{part(forged)}.{s}"
    for name, token in [("response.jwt", response), ("inactive.jwt", inactive), ("tampered.jwt", tampered)]:
        (EXAMPLES_DIR / name).write_text(token + "\n")


def main() -> int:
    load_or_create_keys()
    family_valid_algorithms()
    family_valid_response_shapes()
    family_valid_keys()
    family_valid_headers()
    family_valid_time_boundaries()
    family_malformed()
    family_unsupported_algorithm()
    family_wrong_type()
    family_crit()
    family_unknown_key()
    family_weak_key()
    family_bad_signature()
    family_missing_claim()
    family_wrong_issuer()
    family_wrong_audience()
    family_not_yet_valid()
    family_expired()
    family_invalid_introspection()
    family_jwks_unavailable()
    write_cases()
    write_examples()

    counts: dict[str, int] = {}
    for c in CASES:
        key = "valid" if c["expected"]["valid"] else c["expected"]["error"]
        counts[key] = counts.get(key, 0) + 1
    print(f"wrote {len(CASES)} cases to {CASE_DIR.relative_to(ROOT)}")
    for key in ["valid"] + ERROR_CODES:
        print(f"  {key:30} {counts.get(key, 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
