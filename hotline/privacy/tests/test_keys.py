"""Key rings, key ids and ciphers (docs/keys.md; issue 13 "Keys"): AES-256-GCM by default,
SM4-GCM selectable, every sealed value names its key, old `v1:` values still open."""

import base64
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from hotline.privacy.crypto import (
    CONFIDENTIAL,
    PERSONAL,
    DecryptionError,
    Sealed,
    ensure_key_file,
    generate_key,
    key_ring,
    keyed_digest,
    keyed_digests,
    parse_ring,
    seal,
    token_info,
    unseal,
)
from hotline.privacy.personal import phone_digest, phone_digests

TEXTS = ("13812345678", "欧阳小明", "", "x" * 3000, "带\n换行与 emoji 😀", "v2:k1:aes:AAAA")


def v1_token(master_b64: str, plain: str, context: str) -> str:
    """A value as the first format sealed it: AES-256-GCM under HKDF(master, "seal"), the
    column's name as associated data, no key id."""
    master = base64.b64decode(master_b64)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hotline/seal").derive(master)
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plain.encode(), context.encode())
    return "v1:" + base64.b64encode(nonce + sealed).decode()


class CipherTests(SimpleTestCase):
    def test_each_cipher_round_trips_and_names_key_and_cipher(self):
        for setting, code in (("aes-256-gcm", "aes"), ("sm4-gcm", "sm4")):
            with override_settings(HOTLINE_DATA_CIPHER=setting):
                for ring in (PERSONAL, CONFIDENTIAL):
                    for text in TEXTS:
                        with self.subTest(cipher=setting, ring=ring, text=text[:12]):
                            sealed = seal(text, context="orders.order.caller_name", key=ring)
                            self.assertIsInstance(sealed, Sealed)
                            info = token_info(sealed)
                            self.assertEqual(
                                (info.kid, info.cipher, info.version),
                                (key_ring(ring).current, code, 2),
                            )
                            if text:
                                self.assertNotIn(text, sealed[len("v2:k1:aes:") :])
                            self.assertEqual(
                                unseal(sealed, context="orders.order.caller_name"), text
                            )

    def test_a_value_opens_whatever_cipher_is_configured_now(self):
        with override_settings(HOTLINE_DATA_CIPHER="sm4-gcm"):
            sm4 = seal("张三", context="c")
        aes = seal("张三", context="c")
        with override_settings(HOTLINE_DATA_CIPHER="sm4-gcm"):
            self.assertEqual(unseal(aes, context="c"), "张三")
        self.assertEqual(unseal(sm4, context="c"), "张三")

    def test_sm4_ciphertext_is_not_aes_ciphertext(self):
        with override_settings(HOTLINE_DATA_CIPHER="sm4-gcm"):
            sm4 = seal("13812345678", context="c")
        # The same body claimed to be AES does not open: the cipher is bound in.
        forged = sm4.replace(":sm4:", ":aes:", 1)
        with self.assertRaises(DecryptionError):
            unseal(forged, context="c")

    def test_a_value_copied_to_another_column_or_relabelled_does_not_open(self):
        for setting in ("aes-256-gcm", "sm4-gcm"):
            with override_settings(HOTLINE_DATA_CIPHER=setting), self.subTest(cipher=setting):
                sealed = seal("13812345678", context="orders.order.caller_phone")
                for context in ("orders.order.caller_name", "cti.call.phone", ""):
                    with self.assertRaises(DecryptionError):
                        unseal(sealed, context=context)
                # Claiming another key id of the same ring: refused, not mis-opened.
                with self.assertRaises(DecryptionError):
                    unseal(
                        sealed.replace("v2:k1:", "v2:k2:", 1), context="orders.order.caller_phone"
                    )

    def test_a_personal_value_does_not_open_as_confidential_and_back(self):
        personal = seal("秘密", context="c")
        confidential = seal("秘密", context="c", key=CONFIDENTIAL)
        self.assertTrue(personal.startswith("v2:k"))
        self.assertTrue(confidential.startswith("v2:c"))
        for token, other in ((personal, "c"), (confidential, "k")):
            kid = token.split(":")[1]
            relabelled = token.replace(f":{kid}:", f":{other}{kid[1:]}:", 1)
            with self.assertRaises(DecryptionError):
                unseal(relabelled, context="c")

    def test_the_two_rings_hold_different_keys(self):
        self.assertNotEqual(
            key_ring(PERSONAL).current_key.secret, key_ring(CONFIDENTIAL).current_key.secret
        )

    def test_a_v1_value_still_opens(self):
        master = key_ring(PERSONAL).keys["k1"].secret
        token = v1_token(base64.b64encode(master).decode(), "欧阳明月", "orders.order.caller_name")
        self.assertEqual(unseal(token, context="orders.order.caller_name"), "欧阳明月")
        self.assertEqual(token_info(token).kid, "k1")
        with self.assertRaises(DecryptionError):
            unseal(token, context="orders.order.caller_phone")

    def test_unknown_cipher_setting_is_refused(self):
        with override_settings(HOTLINE_DATA_CIPHER="des"), self.assertRaises(ImproperlyConfigured):
            seal("x", context="c")


class RingFileTests(SimpleTestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix="hotline-keys-"))
        self.path = self.dir / "data.key"

    def ring_from(self, text: str, name: str = PERSONAL):
        return parse_ring(text, name=name, source="test")

    def test_a_one_line_legacy_file_is_key_k1(self):
        ring = self.ring_from(generate_key() + "\n")
        self.assertEqual((list(ring.keys), ring.current), (["k1"], "k1"))
        ring = self.ring_from(generate_key() + "\n", CONFIDENTIAL)
        self.assertEqual((list(ring.keys), ring.current), (["c1"], "c1"))

    def test_several_keys_one_current(self):
        text = f"# ring\nk1 {generate_key()}\nk2 {generate_key()} current  # new\n\n"
        ring = self.ring_from(text)
        self.assertEqual(
            (list(ring.keys), ring.current, ring.next_kid()), (["k1", "k2"], "k2", "k3")
        )

    def test_bad_rings_are_refused_with_the_line(self):
        key = generate_key()
        for text in (
            "",
            "# only a comment\n",
            f"k1 {key}\nk2 {generate_key()}\n",  # two keys, none current
            f"k1 {key} current\nk2 {generate_key()} current\n",  # two current
            f"k1 {key} current\nk1 {generate_key()}\n",  # an id twice
            f"c1 {key} current\n",  # a confidential id in the personal ring
            f"key1 {key} current\n",
            f"k1 {key} now\n",
            "k1 not-base64!! current\n",
            f"k1 {base64.b64encode(b'short').decode()} current\n",
            "not-base64!!\n",
        ):
            with self.subTest(text=text[:30]), self.assertRaises(ImproperlyConfigured):
                self.ring_from(text)

    def test_key_file_is_created_once_private_and_reread_when_it_changes(self):
        self.assertTrue(ensure_key_file(self.path))
        self.assertFalse(ensure_key_file(self.path))
        self.assertEqual(self.path.stat().st_mode & 0o777, 0o600)
        with override_settings(HOTLINE_DATA_KEY="", HOTLINE_DATA_KEY_PATH=str(self.path)):
            first = key_ring(PERSONAL)
            self.assertEqual(first.current, "k1")
            sealed = seal("张三", context="c")
            self.path.write_text(
                self.path.read_text().replace(" current", "") + f"k2 {generate_key()} current\n"
            )
            self.assertEqual(key_ring(PERSONAL).current, "k2")  # no restart needed
            self.assertEqual(unseal(sealed, context="c"), "张三")
            self.assertTrue(seal("张三", context="c").startswith("v2:k2:"))

    def test_missing_key_file_says_how_to_create_it(self):
        with (
            override_settings(
                HOTLINE_CONFIDENTIAL_KEY="", HOTLINE_CONFIDENTIAL_KEY_PATH=str(self.path)
            ),
            self.assertRaisesMessage(ImproperlyConfigured, "datakey --create --ring confidential"),
        ):
            seal("x", context="c", key=CONFIDENTIAL)


class DigestTests(SimpleTestCase):
    def test_digests_under_every_key_current_first(self):
        key = generate_key()
        ring = f"k1 {key}\nk2 {generate_key()} current\n"
        with override_settings(HOTLINE_DATA_KEY=f"k1 {key} current\n"):
            old = phone_digest("13812345678")
        with override_settings(HOTLINE_DATA_KEY=ring):
            new = phone_digest("+86 138-1234-5678")
            self.assertNotEqual(old, new)
            self.assertEqual(phone_digests("１３８１２３４５６７８"), [new, old])
            self.assertEqual(keyed_digest("13812345678", purpose="phone", kid="k1"), old)
            self.assertEqual(len(keyed_digests("x", purpose="p")), 2)
            self.assertEqual(phone_digests(""), [])
            self.assertEqual(phone_digests("abc"), [])
