#!/usr/bin/env python3
"""sharify's MongoDB-wire test server: a real wire-protocol peer for the MongoDB half of the tests.

MockupDB (MongoDB Inc.'s protocol test library) accepts connections and decodes OP_MSG commands;
mongomock (an in-memory implementation of MongoDB's query and update language) executes them.
Commands run one at a time under one lock, so every single-document write is atomic, as on a
standalone mongod. Data lives in memory only. Not for production, and not for benchmarks.

usage: server.py [--host 127.0.0.1] [--port 37017]
Prints "ready mongodb://HOST:PORT/?directConnection=true" on stdout once it accepts connections,
then serves until it is killed (SIGTERM or SIGINT end it cleanly).
"""
import argparse
import datetime
import itertools
import os
import re
import signal
import sys
import threading

import bson
import bson.int64
import mockupdb
import mongomock
from bson.int64 import Int64
from pymongo import ReturnDocument

MAX_BSON = 16 * 1024 * 1024


def keep_int64_through_arithmetic():
    """mongomock computes `$inc` on an Int64 with plain ints, so the result would come back as an
    Int32 (or overflow one). Make Int64 arithmetic stay Int64, as a real server's does."""
    int64 = bson.int64.Int64

    def wrap(op):
        def apply(a, b):
            out = op(a, b)
            if isinstance(b, int) and not isinstance(b, bool) and isinstance(out, int):
                return int64(out)
            return out
        return apply

    for name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__"):
        setattr(int64, name, wrap(getattr(int, name)))


def strings_at(doc, path):
    """The strings at a dotted path, through arrays of subdocuments."""
    if isinstance(doc, list):
        return [s for d in doc for s in strings_at(d, path)]
    if not path:
        return [doc] if isinstance(doc, str) else []
    if not isinstance(doc, dict):
        return []
    return strings_at(doc.get(path[0]), path[1:])


class CommandError(Exception):
    """A command failure reported to the client as `{ok: 0, code, codeName, errmsg}`."""

    def __init__(self, code, code_name, message):
        super().__init__(message)
        self.code, self.code_name = code, code_name


def write_error(index, exc):
    if isinstance(exc, mongomock.DuplicateKeyError):
        return {"index": index, "code": 11000, "errmsg": f"E11000 duplicate key error: {exc}"}
    return {"index": index, "code": getattr(exc, "code", None) or 2, "errmsg": str(exc)}


class Database:
    """Executes the commands the `mongodb` driver sends, on one mongomock client."""

    def __init__(self):
        self.client = mongomock.MongoClient()
        self.indexes = {}  # (database, collection) -> {name: the index as created}
        self.lock = threading.Lock()
        self.connection_ids = itertools.count(1)

    # -- helpers ---------------------------------------------------------------------------------
    def collection(self, cmd, key):
        return self.client[cmd["$db"]][cmd[key]]

    @staticmethod
    def cursor(cmd, name, docs):
        return {"cursor": {"id": Int64(0), "ns": f"{cmd['$db']}.{name}", "firstBatch": docs}, "ok": 1}

    @staticmethod
    def sort_spec(sort):
        return list(sort.items()) if sort else None

    # -- handshake and admin ---------------------------------------------------------------------
    def hello(self, cmd):
        return {
            "helloOk": True, "isWritablePrimary": True, "ismaster": True, "readOnly": False,
            "minWireVersion": 0, "maxWireVersion": 21, "maxBsonObjectSize": MAX_BSON,
            "maxMessageSizeBytes": 48_000_000, "maxWriteBatchSize": 100_000,
            "logicalSessionTimeoutMinutes": 30, "connectionId": next(self.connection_ids),
            "localTime": datetime.datetime.now(datetime.timezone.utc), "ok": 1,
        }

    def build_info(self, cmd):
        return {"version": "7.0.0", "versionArray": [7, 0, 0, 0], "ok": 1}

    def ok(self, cmd):
        return {"ok": 1}

    # -- CRUD ------------------------------------------------------------------------------------
    def insert(self, cmd):
        coll, ordered = self.collection(cmd, "insert"), cmd.get("ordered", True)
        inserted, errors = 0, []
        for i, doc in enumerate(cmd.get("documents", [])):
            try:
                coll.insert_one(doc)
                inserted += 1
            except mongomock.DuplicateKeyError as e:
                errors.append(write_error(i, e))
                if ordered:
                    break
        return {"n": inserted, "ok": 1, **({"writeErrors": errors} if errors else {})}

    # -- $text (mongomock has none) ------------------------------------------------------------
    def without_text(self, cmd, name, query):
        """Replaces a `$text` clause (at the top or inside `$and`) with the `_id`s of the documents
        it matches, as MongoDB matches them: any of the loose words (whole words, any case) and
        every quoted phrase (a case-insensitive substring of one of the indexed strings)."""
        if not isinstance(query, dict):
            return query
        out = {}
        for key, value in query.items():
            if key == "$text":
                out.setdefault("$and", []).append({"_id": {"$in": self.text_matches(cmd, name, value)}})
            elif key == "$and":
                out.setdefault("$and", []).extend(self.without_text(cmd, name, q) for q in value)
            else:
                out[key] = value
        return out

    def text_matches(self, cmd, name, text):
        specs = self.indexes.get((cmd["$db"], name), {}).values()
        fields = [k for spec in specs for k, v in spec["key"].items() if v == "text"]
        if not fields:
            raise CommandError(27, "IndexNotFound", "text index required for $text query")
        search = text["$search"]
        phrases = [p.lower() for p in re.findall(r'"([^"]*)"', search)]
        loose = re.sub(r'"[^"]*"', " ", search)
        words = {w.lower() for w in re.split(r"\W+", loose + " " + " ".join(phrases)) if w}
        ids = []
        for doc in self.client[cmd["$db"]][name].find({}):
            strings = [v.lower() for f in fields for v in strings_at(doc, f.split("."))]
            have = {w for v in strings for w in re.split(r"\W+", v) if w}
            if words & have and all(any(p in v for v in strings) for p in phrases):
                ids.append(doc["_id"])
        return ids

    def find(self, cmd):
        query = self.without_text(cmd, cmd["find"], cmd.get("filter") or {})
        found = self.collection(cmd, "find").find(query, cmd.get("projection"))
        if cmd.get("sort"):
            found = found.sort(self.sort_spec(cmd["sort"]))
        if cmd.get("skip"):
            found = found.skip(int(cmd["skip"]))
        if cmd.get("limit"):
            found = found.limit(abs(int(cmd["limit"])))
        return self.cursor(cmd, cmd["find"], list(found))

    def update(self, cmd):
        coll = self.collection(cmd, "update")
        matched = modified = 0
        upserted, errors = [], []
        for i, spec in enumerate(cmd.get("updates", [])):
            query, change, upsert = spec["q"], spec["u"], spec.get("upsert", False)
            try:
                if isinstance(change, list):
                    raise CommandError(9, "FailedToParse", "update pipelines are not supported by this test server")
                if not any(key.startswith("$") for key in change):
                    result = coll.replace_one(query, change, upsert=upsert)
                else:
                    multi = spec.get("multi")
                    before = None if multi else coll.find_one(query)
                    run = coll.update_many if multi else coll.update_one
                    result = run(query, change, upsert=upsert, array_filters=spec.get("arrayFilters"))
                    if before is not None and result.modified_count:
                        self.refuse_if_too_large(coll, before)
                matched += result.matched_count
                modified += result.modified_count
                if result.upserted_id is not None:
                    matched += 1
                    upserted.append({"index": i, "_id": result.upserted_id})
            except (mongomock.DuplicateKeyError, mongomock.OperationFailure, CommandError) as e:
                errors.append(write_error(i, e))
                if cmd.get("ordered", True):
                    break
        reply = {"n": matched, "nModified": modified, "ok": 1}
        if upserted:
            reply["upserted"] = upserted
        if errors:
            reply["writeErrors"] = errors
        return reply

    @staticmethod
    def refuse_if_too_large(coll, before):
        """A real server refuses an update whose resulting document exceeds 16 MiB (code 17419)
        and leaves the document as it was; so does this one."""
        after = coll.find_one({"_id": before["_id"]})
        if after is not None and len(bson.encode(after)) > MAX_BSON:
            coll.replace_one({"_id": before["_id"]}, before)
            raise CommandError(17419, "BSONObjectTooLarge",
                               f"Resulting document after update is larger than {MAX_BSON}")

    def delete(self, cmd):
        coll, removed = self.collection(cmd, "delete"), 0
        for spec in cmd.get("deletes", []):
            many = spec.get("limit", 0) == 0
            removed += (coll.delete_many if many else coll.delete_one)(spec["q"]).deleted_count
        return {"n": removed, "ok": 1}

    def find_and_modify(self, cmd):
        name = cmd.get("findAndModify") or cmd.get("findandmodify")
        coll = self.client[cmd["$db"]][name]
        query, fields, sort = cmd.get("query") or {}, cmd.get("fields"), self.sort_spec(cmd.get("sort"))
        if cmd.get("remove"):
            value = coll.find_one_and_delete(query, projection=fields, sort=sort)
            return {"lastErrorObject": {"n": int(value is not None)}, "value": value, "ok": 1}
        change, upsert = cmd["update"], cmd.get("upsert", False)
        returned = ReturnDocument.AFTER if cmd.get("new") else ReturnDocument.BEFORE
        try:
            if any(key.startswith("$") for key in change):
                value = coll.find_one_and_update(query, change, projection=fields, sort=sort, upsert=upsert,
                                                 return_document=returned, array_filters=cmd.get("arrayFilters"))
            else:
                value = coll.find_one_and_replace(query, change, projection=fields, sort=sort, upsert=upsert,
                                                  return_document=returned)
        except mongomock.DuplicateKeyError as e:
            raise CommandError(11000, "DuplicateKey", f"E11000 duplicate key error: {e}") from e
        found = value is not None
        return {"lastErrorObject": {"n": int(found), "updatedExisting": found}, "value": value, "ok": 1}

    def aggregate(self, cmd):
        docs = list(self.collection(cmd, "aggregate").aggregate(cmd.get("pipeline", [])))
        return self.cursor(cmd, cmd["aggregate"], docs)

    def count(self, cmd):
        return {"n": self.collection(cmd, "count").count_documents(cmd.get("query") or {}), "ok": 1}

    def distinct(self, cmd):
        values = self.collection(cmd, "distinct").distinct(cmd["key"], cmd.get("query") or {})
        return {"values": values, "ok": 1}

    # -- collections and indexes -----------------------------------------------------------------
    def create(self, cmd):
        db = self.client[cmd["$db"]]
        if cmd["create"] not in db.list_collection_names():
            db.create_collection(cmd["create"])
        return {"ok": 1}

    def drop(self, cmd):
        self.client[cmd["$db"]].drop_collection(cmd["drop"])
        self.indexes.pop((cmd["$db"], cmd["drop"]), None)
        return {"ok": 1}

    def drop_database(self, cmd):
        self.client.drop_database(cmd["$db"])
        self.indexes = {k: v for k, v in self.indexes.items() if k[0] != cmd["$db"]}
        return {"ok": 1}

    def list_collections(self, cmd):
        names = self.client[cmd["$db"]].list_collection_names()
        docs = [{"name": n, "type": "collection", "options": {}, "info": {"readOnly": False}} for n in names]
        return self.cursor(cmd, "$cmd.listCollections", docs)

    def create_indexes(self, cmd):
        coll = self.collection(cmd, "createIndexes")
        before = len(coll.index_information())
        for index in cmd["indexes"]:
            options = {k: v for k, v in index.items() if k != "key"}
            self.indexes.setdefault((cmd["$db"], cmd["createIndexes"]), {})[index["name"]] = dict(index)
            coll.create_index(list(index["key"].items()), **options)
        after = len(coll.index_information())
        return {"numIndexesBefore": max(before, 1), "numIndexesAfter": after,
                "createdCollectionAutomatically": before == 0, "ok": 1}

    def list_indexes(self, cmd):
        """Lists the indexes as a real server does: as they were created, a text index with the
        keys `{_fts: "text", _ftsx: 1}` and a weight for each field."""
        if cmd["listIndexes"] not in self.client[cmd["$db"]].list_collection_names():
            raise CommandError(26, "NamespaceNotFound", f"ns does not exist: {cmd['$db']}.{cmd['listIndexes']}")
        docs = [{"v": 2, "key": {"_id": 1}, "name": "_id_"}]
        for spec in self.indexes.get((cmd["$db"], cmd["listIndexes"]), {}).values():
            doc = {"v": 2, **spec}
            text = [k for k, v in spec["key"].items() if v == "text"]
            if text:
                doc["key"] = {"_fts": "text", "_ftsx": 1}
                doc["weights"] = {k: (spec.get("weights") or {}).get(k, 1) for k in text}
                doc.setdefault("default_language", "english")
            docs.append(doc)
        return self.cursor(cmd, cmd["listIndexes"], docs)

    def drop_indexes(self, cmd):
        coll, which = self.collection(cmd, "dropIndexes"), cmd.get("index")
        specs = self.indexes.setdefault((cmd["$db"], cmd["dropIndexes"]), {})
        if which == "*":
            coll.drop_indexes()
            specs.clear()
        else:
            coll.drop_index(which)
            specs.pop(which, None)
        return {"ok": 1}

    # -- dispatch --------------------------------------------------------------------------------
    def handlers(self):
        build_info = self.build_info
        return {
            "hello": self.hello, "isMaster": self.hello, "ismaster": self.hello, "ping": self.ok,
            "buildInfo": build_info, "buildinfo": build_info, "endSessions": self.ok,
            "killCursors": lambda cmd: {"cursorsKilled": [], "ok": 1},
            "insert": self.insert, "find": self.find, "update": self.update, "delete": self.delete,
            "findAndModify": self.find_and_modify, "findandmodify": self.find_and_modify,
            "aggregate": self.aggregate, "count": self.count, "distinct": self.distinct,
            "create": self.create, "drop": self.drop, "dropDatabase": self.drop_database,
            "listCollections": self.list_collections, "createIndexes": self.create_indexes,
            "listIndexes": self.list_indexes, "dropIndexes": self.drop_indexes,
        }


def serve(db, request):
    """Answers one request; never leaves a client waiting, whatever goes wrong."""
    handler = db.handlers().get(request.command_name)
    try:
        if handler is None:
            raise CommandError(59, "CommandNotFound",
                               f"no such command: '{request.command_name}' (not supported by this test server)")
        with db.lock:
            reply = handler(request.doc)
    except CommandError as e:
        reply = {"ok": 0, "code": e.code, "codeName": e.code_name, "errmsg": str(e)}
    except mongomock.OperationFailure as e:
        reply = {"ok": 0, "code": e.code or 2, "codeName": "BadValue", "errmsg": str(e)}
    except Exception as e:  # noqa: BLE001 - report it to the client instead of hanging
        reply = {"ok": 0, "code": 1, "codeName": "InternalError", "errmsg": f"{type(e).__name__}: {e}"}
    request.replies(reply)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=37017)
    args = parser.parse_args()
    keep_int64_through_arithmetic()
    db = Database()
    server = mockupdb.MockupDB(port=args.port, request_timeout=10**6)
    server._address = (args.host, args.port)  # MockupDB binds to localhost unless told otherwise
    server.autoresponds(mockupdb.Matcher(), lambda request: serve(db, request))
    server.run()
    # Everything is in memory: nothing to flush. Exit at once on a signal rather than wait for
    # MockupDB's threads to notice (its stop() takes seconds), so the port is free for the next run.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: os._exit(0))
    print(f"ready mongodb://{args.host}:{args.port}/?directConnection=true", flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    sys.exit(main())
