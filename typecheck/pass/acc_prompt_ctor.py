from lcel.prompts import ChatPromptTemplate, PromptTemplate

p = PromptTemplate("say {word}")
p.invoke({"word": "x"})
c = ChatPromptTemplate([("human", "{q}")])
c.invoke({"q": "x"})
