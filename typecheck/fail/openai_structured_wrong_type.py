import attrs

from lcel.openai import ChatOpenAI


@attrs.frozen
class Person:
    name: str
    age: int


model = ChatOpenAI(model="gpt-4o-mini")
person = model.with_structured_output(Person).invoke("Ada is 36")
age: str = person.age  # E: [assignment]
missing = person.email  # E: [attr-defined]
