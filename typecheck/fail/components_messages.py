from lcel.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage

HumanMessage(3)  # E: [arg-type]
ToolMessage("x")  # E: [call-arg]
AIMessageChunk("a") + AIMessage("b")  # E: [operator]
HumanMessage("a").content = "b"  # E: [misc]
