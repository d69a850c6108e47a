"""The two engines as the studio drives them: which of its actions each offers, how its API
names them, its models and whether it is switched on.

A job's `action` is the studio's name for what it does (the Producer API's action names:
`music`, `extend`, ...), whatever the engine; each engine's API path for it is
`wire_action(engine, action)` (Flow Music generates at `generations`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from contract import flowmusic, parsing, producer
from contract.engines import Engine
from contract.errors import PayloadInvalid
from contract.producer import Action

from . import config

# The studio's action for each Flow Music action.
FLOW_ACTIONS: dict[Action, flowmusic.Action] = {
    Action.MUSIC: flowmusic.Action.GENERATE,
    Action.COVER: flowmusic.Action.COVER,
    Action.EXTEND: flowmusic.Action.EXTEND,
    Action.REPLACE: flowmusic.Action.REPLACE,
    Action.STEMS: flowmusic.Action.STEMS,
}


@dataclass(frozen=True)
class Api:
    """What the client needs to speak one engine's API."""

    path: str
    actions: frozenset[Action]
    source_field: str  # the field naming the song an edit works on
    model_field: str
    validate: Callable[..., dict]
    parse_submit: Callable[[object], parsing.SubmitResult]
    parse_job_result: Callable[[object], parsing.JobResult]


APIS: dict[Engine, Api] = {
    Engine.PRODUCER: Api(
        path=producer.API_PATH,
        actions=frozenset(Action),
        source_field="music_id",
        model_field="mv",
        validate=producer.validate,
        parse_submit=parsing.parse_submit,
        parse_job_result=parsing.parse_job_result,
    ),
    Engine.FLOWMUSIC: Api(
        path=flowmusic.API_PATH,
        actions=frozenset(FLOW_ACTIONS),
        source_field="clip_id",
        model_field="model",
        validate=flowmusic.validate,
        parse_submit=flowmusic.parse_submit,
        parse_job_result=flowmusic.parse_job_result,
    ),
}


def engine_of(value: Engine | str | None) -> Engine:
    """The engine a caller named; None (rows from before engines) is the Producer API."""
    if value in (None, ""):
        return Engine.PRODUCER
    try:
        return Engine(getattr(value, "value", value))
    except ValueError:
        raise PayloadInvalid({"engine": f"Unknown engine {value!r}."}) from None


def api(engine: Engine | str | None) -> Api:
    return APIS[engine_of(engine)]


def offers(engine: Engine | str | None, action: Action | str) -> bool:
    return str(getattr(action, "value", action)) in {a.value for a in api(engine).actions}


def wire_action(engine: Engine | str | None, action: Action | str) -> str:
    """The API path segment of the studio's `action` on `engine`, or PayloadInvalid."""
    engine = engine_of(engine)
    studio_action = producer.action_of(action)
    if engine is Engine.FLOWMUSIC:
        if studio_action not in FLOW_ACTIONS:
            raise PayloadInvalid(
                {"action": f"Flow Music has no {studio_action.label.lower()} action."}
            )
        return FLOW_ACTIONS[studio_action].value
    return studio_action.value


def models_of(engine: Engine | str | None) -> tuple[str, ...]:
    """The model names offered and accepted for the engine (configuration)."""
    if engine_of(engine) is Engine.FLOWMUSIC:
        return config.flow_models()
    return config.models()


def validate(
    engine: Engine | str | None,
    action: Action | str,
    params: dict,
    *,
    models: Sequence[str] | None = None,
    source_duration: float | None = None,
) -> dict:
    """The body to send for the studio's `action` on `engine`, or PayloadInvalid."""
    engine = engine_of(engine)
    names = models_of(engine) if models is None else models
    wire = wire_action(engine, action)
    if engine is Engine.FLOWMUSIC:
        return flowmusic.validate(wire, params, models=names, source_duration=source_duration)
    return producer.validate(wire, params, models=names)


def disabled_reason(engine: Engine | str | None) -> str | None:
    """Why an engine is off (TTAPI_DISABLED_ENGINES), or None when it is available."""
    engine = engine_of(engine)
    if engine.value in config.disabled_engines():
        return f"{engine.label} is switched off on this studio."
    return None


def enabled() -> list[Engine]:
    return [engine for engine in Engine if disabled_reason(engine) is None]
