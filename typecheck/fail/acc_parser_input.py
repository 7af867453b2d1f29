from lcel.parsers import StrOutputParser

StrOutputParser().invoke(3)  # E: [arg-type]
