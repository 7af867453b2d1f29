from lcel.models import FakeListChatModel, FakeListLLM

model = FakeListChatModel(responses=["x"])
model.invoke("hi").upper()  # E: [attr-defined]
text: str = model.invoke("hi")  # E: [assignment]
number: int = FakeListLLM(responses=["1"]).invoke("hi")  # E: [assignment]
