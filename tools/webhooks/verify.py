#!/usr/bin/env python3
"""How a receiver verifies a sharify webhook (Standard Webhooks), as the README shows it.

usage: verify.py SECRET WEBHOOK_ID WEBHOOK_TIMESTAMP WEBHOOK_SIGNATURE BODY_FILE
Exits 0 when the signature is valid and the timestamp within five minutes, 1 otherwise.
"""
import base64
import hashlib
import hmac
import sys
import time


def verify(secret: str, headers: dict, body: bytes) -> bool:
    msg_id, ts = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(time.time() - int(ts)) > 300:  # refuse timestamps more than five minutes off
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    expected = "v1," + base64.b64encode(mac).decode()
    return any(hmac.compare_digest(expected, sig) for sig in headers["webhook-signature"].split(" "))


if __name__ == "__main__":
    secret, msg_id, ts, signature, path = sys.argv[1:6]
    with open(path, "rb") as f:
        body = f.read()
    headers = {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": signature}
    sys.exit(0 if verify(secret, headers, body) else 1)
