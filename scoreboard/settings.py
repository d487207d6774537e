"""Server settings, read once from `SCOREBOARD_*` environment variables and CLI flags."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from scoreboard.schemas import SUPPORTED_LANGUAGES, BoardLanguages


class Settings(BaseSettings):
    """Every setting is declared here once, with the help text that `scoreboard serve --help`
    and README show."""

    model_config = SettingsConfigDict(env_prefix="SCOREBOARD_", extra="ignore")

    database_url: str = Field(
        "sqlite:///scoreboard.db",
        description="SQLite database URL; the file is created when missing.",
    )
    host: str = Field("0.0.0.0", description="Interface to listen on (0.0.0.0: all).")  # noqa: S104
    port: int = Field(8000, ge=1, le=65535, description="TCP port to listen on.")
    public_url: str | None = Field(
        None,
        description="Base URL phones use to reach the server (behind a proxy or a DNS name); "
        "by default the machine's LAN address is used.",
    )
    admin_token: SecretStr | None = Field(
        None,
        description="Server admin token; generated, stored and printed at first start when unset.",
    )
    tick_hz: float = Field(10.0, gt=0, le=60, description="Most live updates per second per board.")
    rate_limit: int = Field(
        30,
        ge=0,
        description="Reactions per device per minute; 0 turns rate limiting off (load tests).",
    )
    max_text_length: int = Field(
        500, ge=1, le=5000, description="Longest comment, in characters after trimming."
    )
    max_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest request body accepted, in bytes."
    )
    default_languages: Annotated[BoardLanguages, NoDecode] = Field(
        default_factory=lambda: list(SUPPORTED_LANGUAGES),
        description="Languages of new boards, en and/or nl (comma-separated in the environment).",
    )
    recent_size: int = Field(
        30, ge=1, le=500, description="How many latest messages the live board keeps."
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error.")
    access_log: bool = Field(
        False,
        description="Log every HTTP request with the client's address (uvicorn's access log).",
    )
    telemetry: bool = Field(
        False,
        description="Report OpenTelemetry traces and metrics to the globally configured providers.",
    )

    @field_validator("default_languages", mode="before")
    @classmethod
    def _split_languages(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _strip_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def database_path(self) -> str | None:
        """The SQLite file path, or None for an in-memory database."""
        prefix = "sqlite:///"
        if not self.database_url.startswith(prefix):
            return None
        path = self.database_url[len(prefix) :]
        return None if path in ("", ":memory:") else path
