from lcel.models import FakeListLLM
from lcel.messages import AIMessage

for ch in FakeListLLM(responses=["x"]).stream("hi"):
    s: AIMessage = ch  # E: [assignment]
