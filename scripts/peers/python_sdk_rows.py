# Peer for the benchmark: the official Python SDK (AESCipher + JSON.unmarshal
# into its typed P2HelpdeskTicketUpdatedV1), one NDJSON row per old_object field.
#   python python_sdk_rows.py EVENTS.ndjson ENCRYPT_KEY
import sys, json
from lark_oapi.core.utils.decryptor import AESCipher
from lark_oapi.core.json import JSON
from lark_oapi.api.helpdesk.v1.model.p2_helpdesk_ticket_updated_v1 import P2HelpdeskTicketUpdatedV1
cipher = AESCipher(sys.argv[2])
out = sys.stdout
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    wrapper = json.loads(line)
    plain = cipher.decrypt_str(wrapper["encrypt"])
    ev = JSON.unmarshal(plain, P2HelpdeskTicketUpdatedV1)
    if ev.header.event_type != "helpdesk.ticket.updated_v1":
        continue
    obj, old = ev.event.object, ev.event.old_object
    for field in ("stage", "status", "updated_at"):
        before = getattr(old, field, None)
        if before is None:
            continue
        after = getattr(obj, field, None)
        out.write(json.dumps({"ticket_id": obj.ticket_id, "event_id": ev.header.event_id, "field": field, "from": before, "to": after, "changed": before != after}) + "\n")
