from lcel.models import FakeListChatModel
from lcel.messages import AIMessage

for ch in FakeListChatModel(responses=["x"]).stream("hi"):
    s: str = ch  # E: [assignment]
