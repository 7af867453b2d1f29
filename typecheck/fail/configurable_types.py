import attrs

from lcel import Component, ConfigurableField, RunnableConfig, RunnableLambda


def inc(x: int) -> int:
    return x + 1


def shout(s: str) -> str:
    return s.upper()


@attrs.frozen
class Add(Component[int, int]):
    k: int = 1

    def _invoke(self, input: int, config: RunnableConfig, **kwargs: object) -> int:
        return input + self.k


r = RunnableLambda(inc)
r.configurable_alternatives(ConfigurableField(id="a"), loud=RunnableLambda(shout))  # E: [arg-type]
Add().configurable_fields(k=ConfigurableField(id="k")).invoke("one")  # E: [arg-type]
Add().configurable_fields(k="k")  # E: [arg-type]
r.configurable_alternatives("a", other=r)  # E: [arg-type]
s: str = r.configurable_alternatives(ConfigurableField(id="a"), other=r).invoke(1)  # E: [assignment]
