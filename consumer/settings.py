# Databricks notebook source
"""The notebook's widgets, checked, and the Kinesis connector's options built from them.

The third of tweets_streaming.py's `%run` files. It uses two names the earlier ones
define: `parse_timestamp` (records.py, for `at_timestamp:`) and `MEMORY_TABLE`
(queries.py). `streamlab handout` prints a value for every widget in WIDGETS, and a test
keeps the two lists equal.
"""

import json
import re
from dataclasses import dataclass
from typing import Callable

MODES = ("classic", "serverless")
INITIAL_POSITIONS = ("latest", "trim_horizon", "earliest")

# The secret-scope keys the notebook reads access keys from (dbutils.secrets.get), so keys
# never appear in the notebook, its widgets or its output.
ACCESS_KEY_SECRET = "aws-access-key-id"
SECRET_KEY_SECRET = "aws-secret-access-key"


@dataclass(frozen=True)
class Widget:
    name: str
    default: str
    label: str
    choices: tuple[str, ...] = ()


# Every widget the notebook shows, in order; `streamlab handout` prints a value for each.
WIDGETS: tuple[Widget, ...] = (
    Widget("mode", "classic", "Mode", MODES),
    Widget("stream_name", "", "Kinesis stream"),
    Widget("region", "us-east-1", "Region"),
    Widget("initial_position", "latest", "Initial position"),
    Widget("role_arn", "", "Role ARN (optional)"),
    Widget("role_external_id", "", "Role external id (optional)"),
    Widget("service_credential", "", "Service credential (optional)"),
    Widget("secret_scope", "", "Secret scope with access keys (optional)"),
    Widget("table", "workspace.default.streamlab_tweets", "Table (serverless)"),
    Widget("checkpoint", "", "Checkpoint volume path (serverless)"),
)

_STREAM_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
# The config's region pattern (the producer's env_contract.json STREAMLAB_REGION), written
# out because this module runs alone on Databricks; tests/ checks that the two agree.
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]\Z")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
# AWS's rule for sts:ExternalId: 2-1224 characters from [\w+=,.@:/-].
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$")
_TABLE = re.compile(r"^[A-Za-z0-9_]+\.[A-Za-z0-9_]+\.[A-Za-z0-9_]+$")
_VOLUME_PATH = re.compile(r"^/Volumes/[A-Za-z0-9_]+/[A-Za-z0-9_]+/[A-Za-z0-9_]+(/[\w.=-]+)*/?$")
SESSION_NAME = "streamlab-notebook"


@dataclass(frozen=True)
class Settings:
    """The widgets, checked: what the notebook needs to start reading."""

    mode: str
    options: dict[str, str]
    table: str
    checkpoint: str

    @property
    def volume(self) -> str:
        """Serverless: the Unity Catalog volume holding the checkpoint, catalog.schema.volume."""
        return ".".join(self.checkpoint.split("/")[2:5]) if self.checkpoint else ""

    def describe(self) -> str:
        """One line for the notebook's output; never shows a key or a credential's secret."""
        how = (
            f"service credential {self.options['serviceCredential']}"
            if "serviceCredential" in self.options
            else "access keys from the secret scope"
            if "awsAccessKey" in self.options
            else "the cluster's instance profile"
        )
        if "roleArn" in self.options:
            how += f", assuming {self.options['roleArn']}"
        where = f" into {self.table}" if self.mode == "serverless" else f" into the memory table {MEMORY_TABLE}"
        return (
            f"{self.mode}: reading {self.options['streamName']} in {self.options['region']} "
            f"from {self.options['initialPosition']} with {how}{where}"
        )


def _at_timestamp(value: str) -> str | None:
    """"at_timestamp:<ISO time>" → the connector's JSON form, or None if not that shape."""
    if not value.startswith("at_timestamp:"):
        return None
    when = parse_timestamp(value.split(":", 1)[1])
    if when is None:
        return None
    return json.dumps(
        {"at_timestamp": when.strftime("%m/%d/%Y %H:%M:%S UTC"), "format": "MM/dd/yyyy HH:mm:ss ZZZ"}
    )


def read_settings(
    values: dict[str, str], secret: Callable[[str, str], str] | None = None
) -> Settings:
    """Widget values → Settings, every bad widget named at once, before Spark starts.

    secret(scope, key) reads a secret (the notebook passes dbutils.secrets.get); it is
    called only when `secret_scope` is set.
    """
    v = {w.name: str(values.get(w.name, w.default)).strip() for w in WIDGETS}
    problems: list[str] = []
    mode = v["mode"].lower()
    if mode not in MODES:
        problems.append(f"mode: {v['mode']!r} is not one of {', '.join(MODES)}")
    if not _STREAM_NAME.match(v["stream_name"]):
        problems.append(
            f"stream_name: {v['stream_name']!r} is not a Kinesis stream name "
            "(1-128 letters, digits, '_', '-', '.'; see `streamlab handout`)"
        )
    if not _REGION.match(v["region"]):
        problems.append(f"region: {v['region']!r} is not an AWS region such as 'us-east-1'")
    position = v["initial_position"].lower()
    at_timestamp = _at_timestamp(v["initial_position"])
    if position not in INITIAL_POSITIONS and at_timestamp is None:
        problems.append(
            f"initial_position: {v['initial_position']!r} is not one of "
            f"{', '.join(INITIAL_POSITIONS)} or at_timestamp:<ISO 8601 time>"
        )
    if v["role_arn"] and not _ROLE_ARN.match(v["role_arn"]):
        problems.append(f"role_arn: {v['role_arn']!r} is not an IAM role ARN")
    if v["role_external_id"] and not _EXTERNAL_ID.match(v["role_external_id"]):
        # The value is not echoed: an external id is not a secret, but it stays out of output.
        problems.append(
            "role_external_id: is not an external id (2-1224 letters, digits and +=,.@:/-_)"
        )
    if v["role_external_id"] and not v["role_arn"]:
        problems.append("role_external_id: is set but role_arn is empty (the id belongs to a role)")
    if v["service_credential"] and not _NAME.match(v["service_credential"]):
        problems.append(f"service_credential: {v['service_credential']!r} is not a credential name")
    if v["service_credential"] and (v["role_arn"] or v["secret_scope"]):
        problems.append(
            "service_credential: use a service credential alone, or role_arn/secret_scope, not both"
        )
    if v["secret_scope"] and not _NAME.match(v["secret_scope"]):
        problems.append(f"secret_scope: {v['secret_scope']!r} is not a secret scope name")
    if mode == "serverless":
        if not (v["service_credential"] or v["secret_scope"]):
            problems.append(
                "service_credential: serverless compute has no instance profile; set "
                "service_credential, or secret_scope holding access keys"
            )
        if not _TABLE.match(v["table"]):
            problems.append(f"table: {v['table']!r} is not a table name catalog.schema.table")
        if v["checkpoint"] and not _VOLUME_PATH.match(v["checkpoint"]):
            problems.append(
                f"checkpoint: {v['checkpoint']!r} is not a volume path "
                "/Volumes/<catalog>/<schema>/<volume>/..."
            )
    if problems:
        raise ValueError("; ".join(problems))

    options = {
        "streamName": v["stream_name"],
        "region": v["region"],
        "initialPosition": at_timestamp or position,
    }
    if v["service_credential"]:
        options["serviceCredential"] = v["service_credential"]
    if v["secret_scope"]:
        if secret is None:
            raise ValueError("secret_scope: is set but no secret reader was given")
        options["awsAccessKey"] = secret(v["secret_scope"], ACCESS_KEY_SECRET)
        options["awsSecretKey"] = secret(v["secret_scope"], SECRET_KEY_SECRET)
    if v["role_arn"]:
        options["roleArn"] = v["role_arn"]
        options["roleSessionName"] = SESSION_NAME
        if v["role_external_id"]:
            options["roleExternalId"] = v["role_external_id"]
    table = v["table"] if mode == "serverless" else MEMORY_TABLE
    checkpoint = ""
    if mode == "serverless":
        schema = v["table"].rsplit(".", 1)[0].replace(".", "/")
        checkpoint = v["checkpoint"] or f"/Volumes/{schema}/streamlab/checkpoints/{v['stream_name']}"
    return Settings(mode=mode, options=options, table=table, checkpoint=checkpoint)
