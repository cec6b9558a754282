"""Settings derive what the server answers to from how it is bound."""

from __future__ import annotations

from berth.config import LOOPBACK_HOSTS, Settings


def test_a_loopback_server_answers_loopback_names_only() -> None:
    assert Settings(host="127.0.0.1").host_allowlist == LOOPBACK_HOSTS


def test_a_server_bound_to_all_interfaces_answers_any_host() -> None:
    assert Settings(host="0.0.0.0").host_allowlist is None


def test_allowed_hosts_are_split_and_lower_cased() -> None:
    settings = Settings(host="0.0.0.0", allowed_hosts="Berth.Example, localhost")
    assert settings.host_allowlist == frozenset({"berth.example", "localhost"})


def test_a_star_in_allowed_hosts_means_any_host() -> None:
    assert Settings(allowed_hosts="*").host_allowlist is None
