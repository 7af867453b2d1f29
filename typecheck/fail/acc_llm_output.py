from lcel.messages import AIMessage
from lcel.models import FakeListLLM

x: AIMessage = FakeListLLM(responses=["x"]).invoke("q")  # E: [assignment]
