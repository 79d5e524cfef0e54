#!/usr/bin/env python3
"""Writes VPC flow log Parquet files with pyarrow, for FlowLens's Parquet reader tests and fuzzing.

Usage: parquet-fixtures.py OUTPUT_DIR
       parquet-fixtures.py --bench ROWS OUTPUT_DIR   (bench.parquet and bench.log.gz for flowlens-bench)

Every file carries the same rows as `flows.txt` (flow log text with a header line, `-` for nulls),
so a test can check that FlowLens reads the Parquet files exactly as it reads the text. The schema
is AWS's for Parquet delivery (the "Parquet data type" column of the VPC user guide's field table):
INT32 for version, ports, protocol, tcp-flags, traffic-path; INT64 for packets, bytes, start, end
and the packets-lost counters; strings for everything else. Files written:

  flows-{none,gzip,snappy,zstd}-{dict,plain}-v{1,2}.parquet  every codec, dictionary on/off,
                                                             data page v1/v2, several row groups
  flows-subset.parquet / flows-subset.txt                    a few columns in another order
  seed-*.parquet                                             small files, the fuzz target's seeds
  bad-*.parquet                                              inputs the reader must refuse cleanly
                                                             (see the end of main)

Tests only: FlowLens itself never runs Python.
"""
import os
import random
import sys

import pyarrow as pa
import pyarrow.parquet as pq

STRING_FIELDS = [
    "account_id", "interface_id", "srcaddr", "dstaddr", "action", "log_status",
    "vpc_id", "subnet_id", "instance_id", "type", "pkt_srcaddr", "pkt_dstaddr",
    "region", "az_id", "sublocation_type", "sublocation_id",
    "pkt_src_aws_service", "pkt_dst_aws_service", "flow_direction",
    "resource_type", "tgw_id", "tgw_attachment_id", "tgw_src_vpc_account_id", "tgw_dst_vpc_account_id",
    "tgw_src_vpc_id", "tgw_dst_vpc_id", "tgw_src_subnet_id", "tgw_dst_subnet_id", "tgw_src_eni", "tgw_dst_eni",
    "tgw_src_az_id", "tgw_dst_az_id", "tgw_pair_attachment_id",
    "ecs_cluster_arn", "ecs_cluster_name", "ecs_container_instance_arn", "ecs_container_instance_id",
    "ecs_container_id", "ecs_second_container_id", "ecs_service_name", "ecs_task_definition_arn",
    "ecs_task_arn", "ecs_task_id", "reject_reason", "resource_id",
]
INT32_FIELDS = ["version", "srcport", "dstport", "protocol", "tcp_flags", "traffic_path", "encryption_status"]
INT64_FIELDS = [
    "packets", "bytes", "start", "end",
    "packets_lost_no_route", "packets_lost_blackhole", "packets_lost_mtu_exceeded", "packets_lost_ttl_expired",
]

# AWS's field order (v2 to v8, then the newer fields), then one column FlowLens does not know.
COLUMNS = [
    "version", "account_id", "interface_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
    "packets", "bytes", "start", "end", "action", "log_status",
    "vpc_id", "subnet_id", "instance_id", "tcp_flags", "type", "pkt_srcaddr", "pkt_dstaddr",
    "region", "az_id", "sublocation_type", "sublocation_id",
    "pkt_src_aws_service", "pkt_dst_aws_service", "flow_direction", "traffic_path",
    "resource_type", "tgw_id", "tgw_attachment_id", "tgw_src_vpc_account_id", "tgw_dst_vpc_account_id",
    "tgw_src_vpc_id", "tgw_dst_vpc_id", "tgw_src_subnet_id", "tgw_dst_subnet_id", "tgw_src_eni", "tgw_dst_eni",
    "tgw_src_az_id", "tgw_dst_az_id", "tgw_pair_attachment_id",
    "packets_lost_no_route", "packets_lost_blackhole", "packets_lost_mtu_exceeded", "packets_lost_ttl_expired",
    "ecs_cluster_arn", "ecs_cluster_name", "ecs_container_instance_arn", "ecs_container_instance_id",
    "ecs_container_id", "ecs_second_container_id", "ecs_service_name", "ecs_task_definition_arn",
    "ecs_task_arn", "ecs_task_id", "reject_reason", "resource_id", "encryption_status",
    "custom_note",
]
SUBSET = ["log_status", "action", "dstaddr", "srcaddr", "dstport", "srcport", "protocol", "bytes", "start", "custom_note"]
ROWS = 1000
ROW_GROUP = 230  # five row groups, the last one short


def arrow_type(name):
    if name in INT32_FIELDS:
        return pa.int32()
    if name in INT64_FIELDS:
        return pa.int64()
    return pa.string()


def address(rng):
    if rng.random() < 0.15:
        return "2001:db8:%x::%x" % (rng.randrange(1, 0xFFFF), rng.randrange(1, 0xFFFF))
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))


def make_rows():
    rng = random.Random(20261129)
    interfaces = ["eni-%017x" % rng.getrandbits(68) for _ in range(40)]
    services = ["AMAZON", "S3", "DYNAMODB", "EC2", "ROUTE53"]
    rows = []
    for i in range(ROWS):
        nodata = rng.random() < 0.05
        start = 1_700_000_000 + i * 7
        # A few exporters write milliseconds; FlowLens turns them into seconds in both forms.
        if i % 97 == 3:
            start *= 1000
        row = {name: None for name in COLUMNS}
        row.update(
            version=rng.choice([2, 3, 5, 8]),
            account_id=rng.choice(["123456789012", "210987654321", "unknown"]),
            interface_id=rng.choice(interfaces),
            start=start,
            end=start + rng.randrange(0, 60) if start < 2**31 else start + 60_000,
            log_status="NODATA" if nodata else rng.choice(["OK"] * 30 + ["SKIPDATA"]),
            vpc_id="vpc-%08x" % rng.randrange(4),
            subnet_id="subnet-%08x" % rng.randrange(12),
            region=rng.choice(["us-east-1", "eu-west-3"]),
            az_id=rng.choice(["use1-az1", "use1-az2", "euw3-az1"]),
            custom_note=rng.choice(["alpha", "beta", "gamma-1", None]),
        )
        if not nodata:
            proto = rng.choice([6, 6, 6, 17, 1, 58])
            row.update(
                srcaddr=address(rng), dstaddr=address(rng),
                srcport=0 if proto in (1, 58) else rng.choice([443, 22, 53, rng.randrange(1024, 65536)]),
                dstport=0 if proto in (1, 58) else rng.choice([443, 3389, 5432, rng.randrange(1024, 65536)]),
                protocol=proto, packets=rng.randrange(1, 5000), bytes=rng.randrange(40, 2**40),
                action=rng.choice(["ACCEPT", "ACCEPT", "REJECT"]),
                instance_id=rng.choice(["i-%017x" % rng.getrandbits(68), None, "-"]),
                tcp_flags=rng.choice([2, 18, 19, 3, 0]) if proto == 6 else None,
                type=rng.choice(["IPv4", "IPv6"]),
                pkt_srcaddr=address(rng) if rng.random() < 0.6 else None,
                pkt_dstaddr=address(rng) if rng.random() < 0.6 else None,
                pkt_src_aws_service=rng.choice(services + [None, None]),
                pkt_dst_aws_service=rng.choice(services + [None, None]),
                flow_direction=rng.choice(["ingress", "egress", None]),
                traffic_path=rng.choice([1, 2, 3, 7, 8, None]),
                encryption_status=rng.choice([0, 1, 2, None]),
                resource_id=rng.choice(["nat-0123456789abcdef0", None]),
            )
            if rng.random() < 0.2:
                row.update(sublocation_type="wavelength", sublocation_id="wlid04")
            if rng.random() < 0.3:
                row.update(
                    resource_type="TransitGateway", tgw_id="tgw-0123456789abcdef0",
                    tgw_attachment_id="tgw-attach-%08x" % rng.randrange(5),
                    tgw_src_vpc_account_id="123456789012", tgw_dst_vpc_account_id="210987654321",
                    tgw_src_vpc_id="vpc-0aaaa", tgw_dst_vpc_id="vpc-0bbbb",
                    tgw_src_subnet_id="subnet-0aaaa", tgw_dst_subnet_id="subnet-0bbbb",
                    tgw_src_eni="eni-0aaaa", tgw_dst_eni="eni-0bbbb", tgw_src_az_id="use1-az1",
                    tgw_dst_az_id="use1-az2", tgw_pair_attachment_id="tgw-attach-pair",
                    packets_lost_no_route=rng.randrange(0, 3), packets_lost_blackhole=0,
                    packets_lost_mtu_exceeded=rng.randrange(0, 2), packets_lost_ttl_expired=2**40 + i,
                )
            if rng.random() < 0.25:
                task = "%032x" % rng.getrandbits(128)
                row.update(
                    ecs_cluster_arn="arn:aws:ecs:us-east-1:123456789012:cluster/web",
                    ecs_cluster_name="web",
                    ecs_container_instance_arn="arn:aws:ecs:us-east-1:123456789012:container-instance/web/abc",
                    ecs_container_instance_id="abc", ecs_container_id="%064x" % rng.getrandbits(256),
                    ecs_second_container_id=rng.choice([None, "%064x" % rng.getrandbits(256)]),
                    ecs_service_name="frontend",
                    ecs_task_definition_arn="arn:aws:ecs:us-east-1:123456789012:task-definition/frontend:7",
                    ecs_task_arn="arn:aws:ecs:us-east-1:123456789012:task/web/" + task, ecs_task_id=task,
                )
            if row["action"] == "REJECT" and rng.random() < 0.5:
                row["reject_reason"] = "BPA"
        rows.append(row)
    return rows


def table(rows, columns, required_when_full=False):
    # Columns without nulls are written REQUIRED (no definition levels) when asked, so both
    # required and optional columns are covered.
    def nullable(name):
        return not required_when_full or any(r[name] is None for r in rows)
    schema = pa.schema([pa.field(name, arrow_type(name), nullable=nullable(name)) for name in columns])
    return pa.Table.from_pylist([{c: r[c] for c in columns} for r in rows], schema=schema)


def write_text(path, rows, columns):
    with open(path, "w") as out:
        # Underscore names, as in Parquet: FlowLens reads both spellings, and the unknown column
        # keeps the same name in both forms.
        out.write(" ".join(columns) + "\n")
        for row in rows:
            out.write(" ".join("-" if row[c] is None else str(row[c]) for c in columns) + "\n")


def write_benchmark(out, count):
    """bench.parquet (GZIP, as AWS delivers) and bench.log.gz: the same rows, v5 "all fields"."""
    import gzip
    columns = COLUMNS[:29]
    rng = random.Random(7)
    eni = ["eni-%017x" % rng.getrandbits(68) for _ in range(64)]
    data = {c: [] for c in columns}
    for i in range(count):
        r = rng.getrandbits(64)
        values = dict(
            version=5, account_id="123456789012", interface_id=eni[r % 64],
            srcaddr="10.20.%d.%d" % (r >> 8 & 15, r >> 16 & 255),
            dstaddr="%d.%d.%d.%d" % ((r >> 24 & 127) + 3, r >> 32 & 255, r >> 40 & 255, r >> 48 & 255),
            srcport=32768 + r % 28000, dstport=[443, 80, 22, 53, 5432][r % 5], protocol=17 if r % 7 == 0 else 6,
            packets=r % 900 + 1, bytes=r % 900_000 + 40, start=1_793_577_600 + r % 86400,
            end=1_793_577_660 + r % 86400, action="REJECT" if r % 11 == 0 else "ACCEPT", log_status="OK",
            vpc_id="vpc-0abc1234def567890", subnet_id="subnet-0123456789abcdef%d" % (r % 4),
            instance_id="i-0123456789abcde%x" % (r % 64), tcp_flags=[2, 18, 19, 3, 1][r % 5], type="IPv4",
            pkt_srcaddr="10.20.%d.%d" % (r >> 8 & 15, r >> 16 & 255),
            pkt_dstaddr="%d.%d.%d.%d" % ((r >> 24 & 127) + 3, r >> 32 & 255, r >> 40 & 255, r >> 48 & 255),
            region="us-east-1", az_id="use1-az1", sublocation_type=None, sublocation_id=None,
            pkt_src_aws_service=None, pkt_dst_aws_service="S3" if r % 9 == 0 else None,
            flow_direction="ingress" if r % 2 == 0 else "egress", traffic_path=8 if r % 2 == 0 else None)
        for c in columns:
            data[c].append(values[c])
    schema = pa.schema([pa.field(c, arrow_type(c)) for c in columns])
    pq.write_table(pa.table(data, schema=schema), os.path.join(out, "bench.parquet"), compression="gzip")
    with gzip.open(os.path.join(out, "bench.log.gz"), "wt", compresslevel=6) as text:
        text.write(" ".join(c.replace("_", "-") for c in columns) + "\n")
        for i in range(count):
            text.write(" ".join("-" if data[c][i] is None else str(data[c][i]) for c in columns) + "\n")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--bench":
        os.makedirs(sys.argv[3], exist_ok=True)
        write_benchmark(sys.argv[3], int(sys.argv[2]))
        return
    if len(sys.argv) != 2:
        sys.exit("usage: parquet-fixtures.py OUTPUT_DIR | --bench ROWS OUTPUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rows = make_rows()
    full = table(rows, COLUMNS, required_when_full=True)
    write_text(os.path.join(out, "flows.txt"), rows, COLUMNS)
    for codec in ["none", "gzip", "snappy", "zstd"]:
        for dictionary in [True, False]:
            for version in ["1.0", "2.0"]:
                name = "flows-%s-%s-v%s.parquet" % (codec, "dict" if dictionary else "plain", version[0])
                pq.write_table(
                    full, os.path.join(out, name), compression=codec, use_dictionary=dictionary,
                    data_page_version=version, row_group_size=ROW_GROUP, data_page_size=2048,
                    write_statistics=codec != "none")
    subset = table(rows, SUBSET)
    pq.write_table(subset, os.path.join(out, "flows-subset.parquet"), compression="gzip", row_group_size=400)
    write_text(os.path.join(out, "flows-subset.txt"), rows, SUBSET)

    # Small files of every kind, the seed corpus of the fuzz target (scripts/fuzz-parquet.sh).
    seed_rows = rows[:24]
    for codec in ["none", "gzip", "snappy", "zstd"]:
        for dictionary in [True, False]:
            for version in ["1.0", "2.0"]:
                name = "seed-%s-%s-v%s.parquet" % (codec, "dict" if dictionary else "plain", version[0])
                pq.write_table(
                    table(seed_rows, COLUMNS[:16], required_when_full=True), os.path.join(out, name),
                    compression=codec, use_dictionary=dictionary, data_page_version=version, row_group_size=10,
                    write_statistics=False)

    small = rows[:50]
    base = table(small, COLUMNS)
    # Codecs FlowLens does not read.
    pq.write_table(base, os.path.join(out, "bad-lz4.parquet"), compression="lz4")
    pq.write_table(base, os.path.join(out, "bad-brotli.parquet"), compression="brotli")
    # An encoding FlowLens does not read, on a column it needs.
    pq.write_table(
        base, os.path.join(out, "bad-delta.parquet"), compression="none", use_dictionary=False,
        column_encoding={"srcport": "DELTA_BINARY_PACKED"})
    # srcaddr stored as a number: the schema cannot hold an address.
    wrong = base.set_column(COLUMNS.index("srcaddr"), "srcaddr", pa.array([i for i in range(len(small))], pa.int64()))
    pq.write_table(wrong, os.path.join(out, "bad-srcaddr-int64.parquet"))
    # start stored as a timestamp in INT96 (legacy Impala/Spark style).
    import datetime
    stamps = pa.array([datetime.datetime(2026, 1, 1) for _ in small], pa.timestamp("ns"))
    legacy = base.set_column(COLUMNS.index("start"), "start", stamps)
    pq.write_table(legacy, os.path.join(out, "bad-start-int96.parquet"), use_deprecated_int96_timestamps=True)
    # srcport as strings, two of which are not numbers: rows 3 and 7 (1-based) are malformed.
    ports = [str(r["srcport"]) if r["srcport"] is not None else None for r in small]
    ports[2] = "abc"
    ports[6] = "99999"
    strings = base.set_column(COLUMNS.index("srcport"), "srcport", pa.array(ports, pa.string()))
    pq.write_table(strings, os.path.join(out, "bad-srcport-strings.parquet"))


if __name__ == "__main__":
    main()
