"""The SMSC simulator's own SMPP 3.4 codec: PDU framing, the bodies it needs, GSM-7 and UDH decoding.

Written independently of the backend (which encodes with smpplib and alerts/backends/smpp_text.py): if
both sides shared one table or one encoder, a mistake in it would cancel out and the tests could not
see it. No Django here; the simulator runs standalone.
"""

import re
import struct
from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "CMD",
    "STATUS",
    "Pdu",
    "PduError",
    "Submit",
    "cstrings",
    "decode_text",
    "deliver_sm_body",
    "e164",
    "encode",
    "parse_bind",
    "parse_submit",
    "receipt_text",
]

CMD = {
    "generic_nack": 0x80000000,
    "bind_receiver": 0x00000001,
    "bind_transmitter": 0x00000002,
    "submit_sm": 0x00000004,
    "deliver_sm": 0x00000005,
    "unbind": 0x00000006,
    "bind_transceiver": 0x00000009,
    "enquire_link": 0x00000015,
}
RESP = 0x80000000  # a response's command_id is its request's with the top bit set

STATUS = {
    "ESME_ROK": 0x00,
    "ESME_RINVCMDLEN": 0x02,
    "ESME_RINVCMDID": 0x03,
    "ESME_RINVBNDSTS": 0x04,
    "ESME_RALYBND": 0x05,
    "ESME_RSYSERR": 0x08,
    "ESME_RINVDSTADR": 0x0B,
    "ESME_RBINDFAIL": 0x0D,
    "ESME_RMSGQFUL": 0x14,
    "ESME_RTHROTTLED": 0x58,
}

MAX_PDU = 64 * 1024  # far above any real PDU (short_message ≤ 254 octets); longer means a broken stream


class PduError(ValueError):
    """A PDU that cannot be read: answered with generic_nack."""


@dataclass
class Pdu:
    command_id: int
    status: int
    sequence: int
    body: bytes = b""


def encode(command_id: int, sequence: int, body: bytes = b"", status: int = 0) -> bytes:
    return struct.pack(">LLLL", 16 + len(body), command_id, status, sequence) + body


def cstrings(*values: str) -> bytes:
    return b"".join(v.encode("latin-1") + b"\0" for v in values)


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def cstring(self, limit: int) -> str:
        end = self.data.find(b"\0", self.pos, self.pos + limit)
        if end < 0:
            raise PduError(f"C-string at {self.pos} not terminated within {limit} octets")
        value = self.data[self.pos : end].decode("latin-1")
        self.pos = end + 1
        return value

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise PduError("body ends early")
        self.pos += 1
        return self.data[self.pos - 1]

    def octets(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise PduError(f"body ends early: {n} octets wanted at {self.pos}")
        self.pos += n
        return self.data[self.pos - n : self.pos]

    def tlvs(self) -> dict[int, bytes]:
        found = {}
        while self.pos < len(self.data):
            tag, length = struct.unpack(">HH", self.octets(4))
            found[tag] = self.octets(length)
        return found


def parse_bind(body: bytes) -> tuple[str, str, str]:
    """(system_id, password, system_type) of a bind_* body."""
    r = _Reader(body)
    return r.cstring(16), r.cstring(9), r.cstring(13)


@dataclass
class Submit:
    source: str
    destination: str
    esm_class: int
    registered_delivery: int
    data_coding: int
    short_message: bytes
    tlvs: dict[int, bytes] = field(default_factory=dict)

    def user_data(self) -> tuple[tuple[int, int, int] | None, bytes]:
        """((ref, total, seq) of a concatenated part or None, the message without its UDH)."""
        data = self.short_message or self.tlvs.get(0x0424, b"")  # message_payload
        if not self.esm_class & 0x40:  # UDHI
            return None, data
        if not data or data[0] + 1 > len(data):
            raise PduError("UDHI set but the user data header is cut short")
        udh, rest = data[1 : data[0] + 1], data[data[0] + 1 :]
        i, concat = 0, None
        while i + 2 <= len(udh):
            iei, length = udh[i], udh[i + 1]
            value = udh[i + 2 : i + 2 + length]
            if iei == 0x00 and length == 3:
                concat = (value[0], value[1], value[2])
            elif iei == 0x08 and length == 4:
                concat = ((value[0] << 8) | value[1], value[2], value[3])
            i += 2 + length
        return concat, rest


def parse_submit(body: bytes) -> Submit:
    r = _Reader(body)
    r.cstring(6)  # service_type
    r.byte(), r.byte()  # source ton, npi
    source = r.cstring(21)
    r.byte(), r.byte()  # destination ton, npi
    destination = r.cstring(21)
    esm_class = r.byte()
    r.byte(), r.byte()  # protocol_id, priority_flag
    r.cstring(17), r.cstring(17)  # schedule_delivery_time, validity_period
    registered_delivery = r.byte()
    r.byte()  # replace_if_present_flag
    data_coding = r.byte()
    r.byte()  # sm_default_msg_id
    short_message = r.octets(r.byte())
    return Submit(source, destination, esm_class, registered_delivery, data_coding, short_message, r.tlvs())


# GSM 03.38 default alphabet, one septet per octet as SMPP carries it unpacked; 0x1B escapes to the
# extension table.
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\", 0x3C: "[", 0x3D: "~", 0x3E: "]"}
_GSM_EXTENSION.update({0x40: "|", 0x65: "€"})


def decode_text(data: bytes, data_coding: int) -> str:
    """The text of user data: GSM-7 unpacked (0), Latin-1 (3), UCS-2 (8); anything else as hex."""
    if data_coding == 0:
        out, escape = [], False
        for octet in data:
            if octet > 0x7F:
                raise PduError(f"octet 0x{octet:02x} is not a GSM-7 septet")
            if escape:
                out.append(_GSM_EXTENSION.get(octet, " "))
                escape = False
            elif octet == 0x1B:
                escape = True
            else:
                out.append(_GSM_BASIC[octet])
        return "".join(out)
    if data_coding == 3:
        return data.decode("latin-1")
    if data_coding == 8:
        if len(data) % 2:
            raise PduError("UCS-2 user data of odd length")
        return data.decode("utf-16-be", errors="replace")
    return data.hex()


_E164 = re.compile(r"\+?[1-9][0-9]{6,14}")


def e164(number: str) -> bool:
    """An international number (E.164: up to 15 digits, no leading zero), with or without its '+'."""
    return bool(_E164.fullmatch(number))


def receipt_text(message_id: str, stat: str, at: datetime, text: str) -> str:
    """The receipt text of SMPP 3.4 appendix B, as SMSCs write it."""
    when = at.strftime("%y%m%d%H%M")
    delivered = stat == "DELIVRD"
    return (
        f"id:{message_id} sub:001 dlvrd:{'001' if delivered else '000'} submit date:{when} "
        f"done date:{when} stat:{stat} err:{'000' if delivered else '001'} text:{text[:20]}"
    )


def deliver_sm_body(text: str) -> bytes:
    """A deliver_sm carrying a delivery receipt: esm_class 0x04, the text, receipted_message_id."""
    message = text.encode("latin-1", errors="replace")[:254]
    message_id = text[3:].split(" ", 1)[0] if text.startswith("id:") else ""
    return (
        cstrings("")  # service_type
        + bytes([1, 1])
        + cstrings("32470000000")  # the handset the receipt is about
        + bytes([0, 0])
        + cstrings("BIN")
        + bytes([0x04, 0, 0])  # esm_class: SMSC delivery receipt; protocol_id; priority_flag
        + cstrings("", "")
        + bytes([0, 0, 0, 0, len(message)])
        + message
        + struct.pack(">HH", 0x001E, len(message_id) + 1)  # receipted_message_id
        + message_id.encode("latin-1", errors="replace")
        + b"\0"
    )
