from lcel.models import FakeListChatModel, FakeListLLM

model = FakeListChatModel(responses=["x"])
model.invoke(42)  # E: [arg-type]
model.invoke({"topic": "bears"})  # E: [arg-type]
FakeListLLM(responses=["x"]).batch([1.5])  # E: [list-item]
