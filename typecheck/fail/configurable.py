from lcel import ConfigurableField, RunnableLambda


def inc(x: int) -> int:
    return x + 1


def shout(s: str) -> str:
    return s.upper()


r = RunnableLambda(inc)
r.configurable_alternatives(ConfigurableField(id="a"), loud=RunnableLambda(shout))  # E: [arg-type]
r.configurable_fields(func=ConfigurableField(id="f")).invoke("one")  # E: [arg-type]
r.configurable_fields(func="f")  # E: [arg-type]
r.configurable_alternatives("a", other=r)  # E: [arg-type]
s: str = r.configurable_alternatives(ConfigurableField(id="a"), other=r).invoke(1)  # E: [assignment]
