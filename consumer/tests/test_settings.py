"""The notebook's widgets, checked, and the connector options built from them."""

import json

import pytest

from notebook_fixtures import settings
from run_files import load
from streamlab_producer import env_contract

sc = load()


class TestSettings:
    def test_widget_values_become_connector_options(self):
        s = sc.read_settings({"stream_name": " lab-lab-stream ", "region": "eu-west-1", "initial_position": "TRIM_HORIZON"})
        assert (s.mode, s.table) == ("classic", "tweets")
        assert s.options == {"streamName": "lab-lab-stream", "region": "eu-west-1", "initialPosition": "trim_horizon"}

    def test_at_timestamp_becomes_the_connector_json(self):
        s = settings(initial_position="at_timestamp:2026-11-27T13:00:00-05:00")
        assert json.loads(s.options["initialPosition"]) == {
            "at_timestamp": "11/27/2026 18:00:00 UTC",
            "format": "MM/dd/yyyy HH:mm:ss ZZZ",
        }

    def test_role_with_external_id_and_session_name(self):
        arn = "arn:aws:iam::123456789012:role/lab-lab-stream-reader"
        s = settings(role_arn=arn, role_external_id="streamlab-ext-id:7")
        assert {k: s.options[k] for k in ("roleArn", "roleExternalId", "roleSessionName")} == {
            "roleArn": arn,
            "roleExternalId": "streamlab-ext-id:7",
            "roleSessionName": "streamlab-notebook",
        }

    def test_service_credential(self):
        assert settings(service_credential="streamlab_reader").options["serviceCredential"] == "streamlab_reader"

    def test_access_keys_come_from_the_secret_scope_and_are_never_described(self):
        s = settings(secret_scope="streamlab")
        assert (s.options["awsAccessKey"], s.options["awsSecretKey"]) == (
            "<streamlab/aws-access-key-id>",
            "<streamlab/aws-secret-access-key>",
        )
        assert "<streamlab" not in s.describe() and "secret scope" in s.describe()

    def test_the_external_id_is_not_described(self):
        s = settings(role_arn="arn:aws:iam::123456789012:role/r", role_external_id="do-not-print-me")
        assert "do-not-print-me" not in s.describe()

    def test_serverless_writes_a_table_with_a_checkpoint_in_a_volume(self):
        s = settings(mode="serverless", service_credential="cred")
        assert (s.mode, s.table) == ("serverless", "workspace.default.streamlab_tweets")
        assert s.checkpoint == "/Volumes/workspace/default/streamlab/checkpoints/lab-lab-stream"
        assert s.volume == "workspace.default.streamlab"
        s = settings(mode="serverless", secret_scope="k", table="main.lab.posts", checkpoint="/Volumes/main/lab/v/cp")
        assert (s.table, s.checkpoint, s.volume) == ("main.lab.posts", "/Volumes/main/lab/v/cp", "main.lab.v")

    def test_every_bad_widget_is_named(self):
        with pytest.raises(ValueError) as err:
            sc.read_settings(
                {
                    "mode": "turbo",
                    "stream_name": "",
                    "region": "Europe",
                    "initial_position": "beginning",
                    "role_arn": "not-an-arn",
                    "role_external_id": "x",
                    "service_credential": "bad name",
                    "secret_scope": "bad scope",
                }
            )
        message = str(err.value)
        for expected in (
            "mode: 'turbo' is not one of classic, serverless",
            "stream_name: '' is not a Kinesis stream name",
            "region: 'Europe' is not an AWS region",
            "initial_position: 'beginning' is not one of latest, trim_horizon, earliest",
            "role_arn: 'not-an-arn' is not an IAM role ARN",
            "role_external_id: is not an external id",
            "service_credential: 'bad name' is not a credential name",
            "service_credential: use a service credential alone",
            "secret_scope: 'bad scope' is not a secret scope name",
        ):
            assert expected in message

    @pytest.mark.parametrize(
        "values, expected",
        [
            ({"role_external_id": "abc"}, "role_external_id: is set but role_arn is empty"),
            ({"mode": "serverless"}, "serverless compute has no instance profile"),
            ({"mode": "serverless", "service_credential": "c", "table": "tweets"}, "table: 'tweets' is not a table name"),
            ({"mode": "serverless", "service_credential": "c", "checkpoint": "/tmp/cp"}, "checkpoint: '/tmp/cp' is not a volume path"),
            ({"initial_position": "at_timestamp:soon"}, "initial_position: 'at_timestamp:soon'"),
        ],
    )
    def test_inconsistent_widgets(self, values, expected):
        with pytest.raises(ValueError, match=expected):
            settings(**values)

    def test_a_secret_scope_without_a_reader_is_refused(self):
        with pytest.raises(ValueError, match="secret_scope"):
            sc.read_settings({"stream_name": "s", "region": "us-east-1", "secret_scope": "k"})


def test_region_pattern_is_the_configs():
    """The notebook cannot import the contract on Databricks, so it holds a copy: the same one."""
    assert sc._REGION.pattern == env_contract.pattern("region").pattern
